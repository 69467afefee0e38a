import {
  commands,
  type CommandName,
  type CommandParams,
  type CommandResult,
  type VersionResult,
} from '@cua/computer-protocol';
import { Connection, type CallOptions, type RawReply } from './connection.js';
import { ComputerError, ConnectionError } from './errors.js';
import type { WebSocketFactory } from './websocket-like.js';

export type { CallOptions };

export interface ComputerOptions {
  /** Full WebSocket URL, e.g. `ws://127.0.0.1:8000/ws`. Wins over host/port. */
  url?: string;
  host?: string;
  port?: number;
  /** Use `wss://`. */
  secure?: boolean;
  /** Default per-call timeout (ms). */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  /** How to open a WebSocket; defaults to the platform's (`ws` in the Node entry). */
  createWebSocket?: WebSocketFactory;
  /** Cloud container name; with `apiKey`, the client authenticates before anything else. */
  containerName?: string;
  /** Cloud API key. Never logged, never part of an error message. */
  apiKey?: string;
}

/** The params argument is optional exactly when every param of the command is. */
export type ParamsArgs<N extends CommandName> =
  Record<string, never> extends CommandParams<N>
    ? [params?: CommandParams<N>, options?: CallOptions]
    : [params: CommandParams<N>, options?: CallOptions];

export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** Where a cloud container listens unless host, port or url say otherwise. */
export function cloudHost(containerName: string): string {
  return `${containerName}.containers.cloud.trycua.com`;
}

export function resolveUrl(options: ComputerOptions): string {
  if (options.url) return options.url;
  const cloud = Boolean(options.containerName && options.apiKey);
  const host = options.host ?? (cloud ? cloudHost(options.containerName!) : '127.0.0.1');
  const scheme = (options.secure ?? cloud) ? 'wss' : 'ws';
  const port = options.port ?? (cloud ? 8443 : 8000);
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${scheme}://${hostPart}:${port}/ws`;
}

function defaultWebSocketFactory(): WebSocketFactory {
  const Ctor = (globalThis as { WebSocket?: new (url: string) => unknown }).WebSocket;
  if (!Ctor) {
    return () => {
      throw new ConnectionError(
        'No WebSocket implementation: use the Node entry of @cua/computer-client or pass createWebSocket',
      );
    };
  }
  return (url) => new Ctor(url) as ReturnType<WebSocketFactory>;
}

/** A remote computer: typed calls for every command of the protocol registry. */
export class Computer {
  readonly url: string;
  private readonly connection: Connection;

  constructor(options: ComputerOptions = {}) {
    this.url = resolveUrl(options);
    this.connection = new Connection({
      url: this.url,
      createWebSocket: options.createWebSocket ?? defaultWebSocketFactory(),
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      credentials:
        options.containerName && options.apiKey
          ? { containerName: options.containerName, apiKey: options.apiKey }
          : undefined,
    });
  }

  /** Connects now (calls also connect on first use). */
  async connect(): Promise<void> {
    await this.connection.connect();
  }

  /** Capabilities the server announced in `version.features` (empty for upstream servers). */
  get features(): readonly string[] {
    return this.connection.features;
  }

  get connected(): boolean {
    return this.connection.connected;
  }

  /**
   * Calls any command by its wire name, with params and result typed from the protocol registry.
   * Rejects with a ComputerError carrying the server's `code` when the command fails.
   */
  async call<N extends CommandName>(name: N, ...args: ParamsArgs<N>): Promise<CommandResult<N>> {
    const [params, options] = args;
    const reply = await this.connection.request(name, params, options);
    return parseReply(name, reply);
  }

  /** Protocol generation, server package version and features. */
  version(options?: CallOptions): Promise<VersionResult> {
    return this.call('version', {}, options);
  }

  /** Closes the connection; calls still waiting reject with a ConnectionError. */
  async close(): Promise<void> {
    this.connection.close();
  }
}

/** Turns a reply into the command's typed result, or throws the server's failure. */
export function parseReply<N extends CommandName>(name: N, reply: RawReply): CommandResult<N> {
  if (reply.success !== true) throw new ComputerError(name, reply);
  const parsed = commands[name].result.safeParse(reply);
  if (!parsed.success) {
    throw new ComputerError(name, {
      success: false,
      code: 'invalid_reply',
      error: `The server's reply to ${name} does not match the protocol: ${parsed.error.issues
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
    });
  }
  return parsed.data as CommandResult<N>;
}
