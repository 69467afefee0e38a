import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export type UpstreamReply = Record<string, unknown>;
export type UpstreamHandler = (
  params: Record<string, unknown>,
) => UpstreamReply | Promise<UpstreamReply>;

export interface UpstreamServerOptions {
  /** Replace or add commands; each returns the whole reply frame, `success` included. */
  handlers?: Record<string, UpstreamHandler>;
  /** When set, the first frame must authenticate with these, as upstream's cloud mode. */
  auth?: { containerName: string; apiKey: string };
}

export interface UpstreamServer {
  readonly url: string;
  readonly port: number;
  /** Every frame received, in order, auth frames included. */
  readonly frames: Record<string, unknown>[];
  /** The most requests any connection had received and not yet answered. */
  readonly maxOutstanding: number;
  readonly connections: number;
  /** Closes every client socket (as a crash would) but keeps listening. */
  dropClients(): void;
  close(): Promise<void>;
}

/** Upstream's reply shapes (docs/protocol.md, Upstream servers) for the commands used here. */
function defaultHandlers(files: Map<string, Uint8Array>): Record<string, UpstreamHandler> {
  const file = (params: Record<string, unknown>) => files.get(String(params.path));
  return {
    version: () => ({ success: true, protocol: 1, package: '0.3.42' }),
    get_screen_size: () => ({ success: true, size: { width: 1024, height: 768 } }),
    get_cursor_position: () => ({ success: true, position: { x: 10, y: 20 } }),
    screenshot: () => ({ success: true, image_data: 'iVBORw0KGgo=', format: 'png' }),
    left_click: () => ({ success: true }),
    copy_to_clipboard: () => ({ success: true, content: 'clip' }),
    run_command: async (params) => {
      if (typeof params.timeout === 'number') {
        await new Promise((resolve) => setTimeout(resolve, (params.timeout as number) * 1000));
        // Upstream's timeout reply has no `error` (docs/protocol.md, Upstream servers).
        return {
          success: false,
          stdout: '',
          stderr: `Command timed out after ${params.timeout}s`,
          return_code: -1,
        };
      }
      return {
        success: true,
        stdout: `ran ${String(params.command)}\n`,
        stderr: '',
        return_code: 3,
      };
    },
    get_file_size: (params) => {
      const bytes = file(params);
      if (!bytes)
        return {
          success: false,
          error: `[Errno 2] No such file or directory: '${String(params.path)}'`,
        };
      return { success: true, size: bytes.length };
    },
    read_bytes: (params) => {
      const bytes = file(params);
      if (!bytes)
        return {
          success: false,
          error: `[Errno 2] No such file or directory: '${String(params.path)}'`,
        };
      const offset = Math.max(0, Number(params.offset ?? 0));
      const length =
        typeof params.length === 'number' && params.length >= 0 ? params.length : undefined;
      const slice = bytes.subarray(offset, length === undefined ? undefined : offset + length);
      return { success: true, content_b64: Buffer.from(slice).toString('base64') };
    },
    write_bytes: (params) => {
      const data = new Uint8Array(Buffer.from(String(params.content_b64), 'base64'));
      const path = String(params.path);
      const before =
        params.append === true ? (files.get(path) ?? new Uint8Array()) : new Uint8Array();
      files.set(path, new Uint8Array(Buffer.concat([before, data])));
      return { success: true };
    },
  };
}

/**
 * A stand-in for an upstream (Python) Computer Server on `/ws`: no request ids, one frame at a
 * time per connection (read, run to completion, reply, read the next), upstream's reply shapes,
 * `version` without `features`, and `Unknown command: X` for anything else. An `id` in a
 * request is ignored, as upstream ignores unknown keys, so a client that relied on ids here
 * would get replies it cannot match.
 */
export async function startUpstreamServer(
  options: UpstreamServerOptions = {},
): Promise<UpstreamServer> {
  const files = new Map<string, Uint8Array>();
  const handlers = { ...defaultHandlers(files), ...options.handlers };
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws' });
  await once(wss, 'listening');
  const frames: Record<string, unknown>[] = [];
  const sockets = new Set<WebSocket>();
  let maxOutstanding = 0;

  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    const queue: string[] = [];
    let busy = false;
    let authenticated = options.auth === undefined;

    const next = async () => {
      if (busy) return;
      const text = queue.shift();
      if (text === undefined) return;
      busy = true;
      const reply = await answer(text);
      busy = false;
      if (ws.readyState !== ws.OPEN) return;
      ws.send(JSON.stringify(reply.body));
      if (reply.close) ws.close(1000);
      else void next();
    };

    const answer = async (text: string): Promise<{ body: UpstreamReply; close?: boolean }> => {
      let frame: { command?: unknown; params?: Record<string, unknown> };
      try {
        frame = JSON.parse(text) as typeof frame;
      } catch {
        return {
          body: {
            success: false,
            error: 'Invalid JSON: Expecting value: line 1 column 1 (char 0)',
          },
        };
      }
      frames.push(frame as Record<string, unknown>);
      if (!authenticated) {
        const params = frame.params ?? {};
        if (frame.command !== 'authenticate') {
          return {
            body: { success: false, error: 'First message must be authentication' },
            close: true,
          };
        }
        if (
          params.container_name !== options.auth!.containerName ||
          params.api_key !== options.auth!.apiKey
        ) {
          return { body: { success: false, error: 'Authentication failed' }, close: true };
        }
        authenticated = true;
        return { body: { success: true, message: 'Authentication successful' } };
      }
      const handler = handlers[String(frame.command)];
      if (!handler)
        return { body: { success: false, error: `Unknown command: ${String(frame.command)}` } };
      try {
        return { body: await handler(frame.params ?? {}) };
      } catch (err) {
        return { body: { success: false, error: (err as Error).message } };
      }
    };

    ws.on('message', (data) => {
      queue.push(data.toString());
      // Received but not yet answered, counting the one being worked on.
      maxOutstanding = Math.max(maxOutstanding, queue.length + (busy ? 1 : 0));
      void next();
    });
  });

  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    port,
    frames,
    get maxOutstanding() {
      return maxOutstanding;
    },
    get connections() {
      return sockets.size;
    },
    dropClients() {
      for (const ws of sockets) ws.terminate();
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
