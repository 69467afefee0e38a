import { AuthenticationError, ConnectionError, TimeoutError } from './errors.js';
import { WS_OPEN, type WebSocketFactory, type WebSocketLike } from './websocket-like.js';

export type RawReply = Record<string, unknown>;

export interface CallOptions {
  /** Reject with a TimeoutError when no reply arrives in time. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ConnectionOptions {
  url: string;
  createWebSocket: WebSocketFactory;
  /** Default per-call timeout. */
  timeoutMs: number;
  connectTimeoutMs: number;
  /** Cloud credentials: sent as the `authenticate` frame before anything else, on every connect. */
  credentials?: { containerName: string; apiKey: string } | undefined;
}

interface Pending {
  command: string;
  frame: Record<string, unknown>;
  resolve: (reply: RawReply) => void;
  reject: (error: Error) => void;
  settled: boolean;
  cleanup: () => void;
}

/**
 * One WebSocket to a Computer Server. Against a server that announces `request-id`, calls are
 * tagged with ids and pipelined; against any other (an upstream server), one call at a time,
 * since there the n-th reply answers the n-th request and nothing else ties them together.
 */
export class Connection {
  private socket: WebSocketLike | undefined;
  private opening: Promise<void> | undefined;
  private nextId = 1;
  private useIds = false;
  private closedByUser = false;
  private readonly byId = new Map<number, Pending>();
  /** Sent without an id, answered in order. */
  private readonly inOrder: Pending[] = [];
  /** Serial mode: waiting for the call in front to be answered. */
  private readonly queued: Pending[] = [];
  features: readonly string[] = [];
  serverPackage: string | undefined;

  constructor(private readonly options: ConnectionOptions) {}

  get connected(): boolean {
    return this.socket?.readyState === WS_OPEN;
  }

  get pipelining(): boolean {
    return this.useIds;
  }

  /** Opens the socket (once) and learns what the server supports. */
  connect(): Promise<void> {
    if (this.closedByUser) return Promise.reject(new ConnectionError('The connection was closed'));
    this.opening ??= this.open().catch((err: unknown) => {
      this.opening = undefined;
      throw err;
    });
    return this.opening;
  }

  async request(command: string, params: object | undefined, options: CallOptions = {}): Promise<RawReply> {
    await this.connect();
    return this.enqueue(command, params, options);
  }

  /** Rejects every pending call with a ConnectionError and closes the socket. */
  close(): void {
    this.closedByUser = true;
    this.failAll(new ConnectionError('The connection was closed'));
    this.socket?.close(1000, 'client closed');
    this.socket = undefined;
  }

  private async open(): Promise<void> {
    const socket = await this.openSocket();
    this.socket = socket;
    // `version` without an id works on every server, and tells whether ids are understood.
    this.useIds = false;
    if (this.options.credentials) await this.authenticate(this.options.credentials);
    const reply = await this.enqueue('version', undefined, { timeoutMs: this.options.connectTimeoutMs });
    this.features = Array.isArray(reply.features) ? reply.features.map(String) : [];
    this.serverPackage = typeof reply.package === 'string' ? reply.package : undefined;
    this.useIds = this.features.includes('request-id');
  }

  private async authenticate(credentials: { containerName: string; apiKey: string }): Promise<void> {
    const reply = await this.enqueue(
      'authenticate',
      { container_name: credentials.containerName, api_key: credentials.apiKey },
      { timeoutMs: this.options.connectTimeoutMs },
    );
    if (reply.success === true) return;
    const message = typeof reply.error === 'string' && reply.error ? reply.error : 'Authentication failed';
    this.dropSocket(new AuthenticationError(message));
    throw new AuthenticationError(message);
  }

  private openSocket(): Promise<WebSocketLike> {
    const { url, connectTimeoutMs } = this.options;
    return new Promise((resolve, reject) => {
      let socket: WebSocketLike;
      try {
        socket = this.options.createWebSocket(url);
      } catch (err) {
        reject(new ConnectionError(`Cannot connect to ${url}: ${(err as Error).message}`, { cause: err }));
        return;
      }
      let opened = false;
      const timer = setTimeout(() => {
        reject(new ConnectionError(`Timed out after ${connectTimeoutMs} ms connecting to ${url}`));
        socket.close();
      }, connectTimeoutMs);
      socket.addEventListener('open', () => {
        opened = true;
        clearTimeout(timer);
        resolve(socket);
      });
      socket.addEventListener('error', (event) => {
        if (opened) return;
        clearTimeout(timer);
        const detail = (event as { message?: string; error?: Error }).message ?? (event as { error?: Error }).error?.message;
        reject(new ConnectionError(`Cannot connect to ${url}${detail ? `: ${detail}` : ''}`));
      });
      socket.addEventListener('message', (event) => this.onMessage(socket, event.data));
      socket.addEventListener('close', (event) => {
        clearTimeout(timer);
        if (!opened) reject(new ConnectionError(`Cannot connect to ${url} (closed with ${event.code})`));
        this.onClose(socket, event.code, event.reason);
      });
    });
  }

  private enqueue(command: string, params: object | undefined, options: CallOptions): Promise<RawReply> {
    const frame: Record<string, unknown> = { command, ...(params ? { params } : {}) };
    return new Promise<RawReply>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
      const pending: Pending = {
        command,
        frame,
        settled: false,
        resolve: (reply) => settle(() => resolve(reply)),
        reject: (error) => settle(() => reject(error)),
        cleanup: () => undefined,
      };
      const settle = (fn: () => void) => {
        if (pending.settled) return;
        pending.settled = true;
        pending.cleanup();
        fn();
      };
      const onAbort = () => this.abandon(pending, abortError(options.signal));
      const timer = setTimeout(
        () => this.abandon(pending, new TimeoutError(`${command} got no reply within ${timeoutMs} ms`)),
        timeoutMs,
      );
      options.signal?.addEventListener('abort', onAbort, { once: true });
      pending.cleanup = () => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      if (options.signal?.aborted) return onAbort();

      if (this.useIds) {
        const id = this.nextId++;
        frame.id = id;
        this.byId.set(id, pending);
        this.send(pending);
      } else {
        this.queued.push(pending);
        this.pump();
      }
    });
  }

  /** A call given up (timeout or abort) before its reply. */
  private abandon(pending: Pending, error: Error): void {
    pending.reject(error);
    const queuedAt = this.queued.indexOf(pending);
    if (queuedAt >= 0) {
      this.queued.splice(queuedAt, 1);
      return;
    }
    if (typeof pending.frame.id === 'number') {
      // Its late reply carries the id and is dropped on arrival.
      this.byId.delete(pending.frame.id);
      return;
    }
    if (this.inOrder.includes(pending)) {
      // Without ids, the late reply would be taken for the next call's: start afresh instead.
      this.dropSocket(new ConnectionError(`Connection reset after ${pending.command} was abandoned`));
    }
  }

  private pump(): void {
    if (this.inOrder.length > 0) return;
    const next = this.queued.shift();
    if (!next) return;
    this.inOrder.push(next);
    this.send(next);
  }

  private send(pending: Pending): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WS_OPEN) {
      pending.reject(new ConnectionError(`Not connected: cannot send ${pending.command}`));
      return;
    }
    try {
      socket.send(JSON.stringify(pending.frame));
    } catch (err) {
      pending.reject(new ConnectionError(`Sending ${pending.command} failed: ${(err as Error).message}`, { cause: err }));
    }
  }

  private onMessage(socket: WebSocketLike, data: unknown): void {
    if (socket !== this.socket || typeof data !== 'string') return;
    let reply: RawReply;
    try {
      const value = JSON.parse(data) as unknown;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
      reply = value as RawReply;
    } catch {
      return;
    }
    if (reply.id !== undefined) {
      const pending = typeof reply.id === 'number' ? this.byId.get(reply.id) : undefined;
      if (pending && typeof reply.id === 'number') this.byId.delete(reply.id);
      pending?.resolve(reply);
      return;
    }
    const pending = this.inOrder.shift();
    pending?.resolve(reply);
    this.pump();
  }

  private onClose(socket: WebSocketLike, code: number, reason: string): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.opening = undefined;
    const why = reason ? `${code} ${reason}` : String(code);
    this.failAll(new ConnectionError(`Connection closed by the server (${why})`));
  }

  private dropSocket(error: ConnectionError): void {
    const socket = this.socket;
    this.socket = undefined;
    this.opening = undefined;
    this.failAll(error);
    socket?.close(1000, 'resync');
  }

  private failAll(error: Error): void {
    const all = [...this.byId.values(), ...this.inOrder, ...this.queued];
    this.byId.clear();
    this.inOrder.length = 0;
    this.queued.length = 0;
    for (const pending of all) pending.reject(error);
  }
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  const error = new Error('The call was aborted');
  error.name = 'AbortError';
  return error;
}
