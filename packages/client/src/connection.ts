import {
  BINARY_IMAGES_FEATURE,
  decodeBinaryReply,
  readReplyEnvelope,
} from '@cua/computer-protocol/wire';
import { backoffDelayMs, type ResolvedReconnectOptions } from './backoff.js';
import { abortError } from './call-options.js';
import {
  AuthenticationError,
  ConnectionError,
  CuaClientError,
  TimeoutError,
  isAuthenticationCode,
} from './errors.js';
import {
  announcedFeatures,
  BINARY_FIELDS,
  type ConnectionState,
  type Credentials,
  type RawReply,
  type RequestOptions,
  type StateChange,
  type Transport,
} from './transport.js';
import { WS_CLOSED, type WebSocketFactory, type WebSocketLike } from './websocket-like.js';

export type { RawReply };

export interface ConnectionOptions {
  url: string;
  createWebSocket: WebSocketFactory;
  /** Default per-call timeout. */
  timeoutMs: number;
  /** Bounds opening the socket and each handshake reply (authenticate, version). */
  connectTimeoutMs: number;
  /** Cloud credentials: sent as the `authenticate` frame before anything else, on every connect. */
  credentials?: Credentials | undefined;
  /** Backoff after an unexpected drop; `false`: stay disconnected until `connect()`. */
  reconnect?: ResolvedReconnectOptions | false;
  onStateChange?: ((change: StateChange) => void) | undefined;
  /** For tests of the backoff: the jitter's source of randomness. */
  random?: () => number;
}

/** How long `close()` waits for the socket's closing handshake. */
const CLOSE_WAIT_MS = 1000;

interface Pending {
  command: string;
  frame: Record<string, unknown>;
  /** Written to a socket: from then on it is never sent again, whatever happens. */
  sent: boolean;
  settled: boolean;
  /** Interim frames of this call; dropped at write time unless the server can stream. */
  onEvent?: ((event: RawReply) => void) | undefined;
  /** Wants image bytes raw; dropped at write time unless the server announces it. */
  binary: boolean;
  /** The command emits events of its own: `onEvent` needs no `stream` param. */
  nativeEvents: boolean;
  resolve: (reply: RawReply) => void;
  reject: (error: Error) => void;
}

interface HandshakeWaiter {
  resolve: (reply: RawReply) => void;
  reject: (error: Error) => void;
}

/**
 * One WebSocket to a Computer Server, reopened after a drop. Against a server that announces
 * `request-id`, calls are tagged with ids and pipelined; against any other (an upstream server),
 * one call at a time, since there the n-th reply answers the n-th request and nothing else ties
 * them together. With ids, a frame that echoes a call's id but has no `success` is an interim
 * event of that call (the `stream` extension): it goes to the call's `onEvent`, never settles it.
 *
 * A call that was written to a socket that then dropped fails with a ConnectionError and is
 * never written again: it may have run (a click, a file write) and a silent retry could run it
 * twice. Calls not yet written wait for the next socket.
 */
export class Connection implements Transport {
  private socket: WebSocketLike | undefined;
  /** The handshake on `socket` is done: user calls may go out. */
  private ready = false;
  private opening: Promise<void> | undefined;
  private handshake: HandshakeWaiter | undefined;
  private current: ConnectionState = 'idle';
  /** Set when the connection dropped with reconnect off: calls fail until `connect()`. */
  private lost: ConnectionError | undefined;
  private attempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private closing: Promise<void> | undefined;
  private nextId = 1;
  private useIds = false;
  /** Not yet written: waiting for a connection, or for their turn in serial mode. */
  private readonly waiting: Pending[] = [];
  private readonly byId = new Map<number, Pending>();
  /** Written without an id; replies arrive in this order. */
  private readonly inOrder: Pending[] = [];
  features: readonly string[] = [];

  constructor(private readonly options: ConnectionOptions) {}

  get state(): ConnectionState {
    return this.current;
  }

  /** Connects now, or waits for the attempt under way. */
  connect(): Promise<void> {
    if (this.current === 'closed') return Promise.reject(closedError());
    if (this.ready) return Promise.resolve();
    this.lost = undefined;
    if (this.opening) return this.opening;
    this.cancelReconnectTimer();
    return this.startAttempt();
  }

  request(
    command: string,
    params: object | undefined,
    options: RequestOptions = {},
  ): Promise<RawReply> {
    if (this.current === 'closed') return Promise.reject(closedError());
    if (this.lost) return Promise.reject(this.lost);
    const reply = this.enqueue(command, params, options);
    if (this.current === 'idle' && !this.opening) void this.startAttempt().catch(() => undefined);
    else this.flush();
    return reply;
  }

  /** Stops reconnecting, rejects every pending call, and resolves once the socket has closed. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.setState({ state: 'closed' });
    this.cancelReconnectTimer();
    const error = closedError();
    this.failAll(error);
    this.handshake?.reject(error);
    this.handshake = undefined;
    const socket = this.socket;
    this.socket = undefined;
    this.ready = false;
    this.closing = socket ? closeAndWait(socket, 1000, 'client closed') : Promise.resolve();
    return this.closing;
  }

  private setState(change: StateChange): void {
    this.current = change.state;
    this.options.onStateChange?.(change);
  }

  private startAttempt(): Promise<void> {
    const reconnecting = this.current === 'reconnecting';
    if (!reconnecting) this.setState({ state: 'connecting' });
    const attempt = this.open();
    this.opening = attempt;
    attempt.then(
      () => {
        this.opening = undefined;
      },
      (error: unknown) => {
        this.opening = undefined;
        this.attemptFailed(toError(error), reconnecting);
      },
    );
    return attempt;
  }

  private async open(): Promise<void> {
    const socket = await this.openSocket();
    if (this.current === 'closed') throw closedError();
    if (this.options.credentials) {
      const { containerName, apiKey } = this.options.credentials;
      const reply = await this.handshakeRequest(socket, {
        command: 'authenticate',
        params: { container_name: containerName, api_key: apiKey },
      });
      const refused = this.refusal(socket, reply, 'authentication failed');
      if (refused) {
        throw new AuthenticationError(refused.message ?? 'Authentication failed', refused.code);
      }
    }
    // `version` without an id works on every server, and tells whether ids are understood.
    const version = await this.handshakeRequest(socket, { command: 'version' });
    const refused = this.refusal(socket, version, 'version failed');
    if (refused) {
      const { message = 'version failed', code } = refused;
      // A server that wants credentials refuses the first frame, then closes: ours says
      // `auth_required`; upstream sends no code, and refuses `version` for no other reason.
      if (code === undefined || isAuthenticationCode(code)) {
        throw new AuthenticationError(message, code ?? 'auth_required');
      }
      throw new ConnectionError(`The server refused the connection: ${message}`);
    }
    this.features = announcedFeatures(version);
    this.useIds = this.features.includes('request-id');
    this.ready = true;
    this.attempt = 0;
    this.setState({ state: 'open' });
    this.flush();
  }

  private attemptFailed(error: Error, reconnecting: boolean): void {
    if (this.current === 'closed') return;
    // Credentials do not get better by retrying.
    if (reconnecting && !AuthenticationError.isInstance(error)) {
      this.scheduleReconnect(error);
      return;
    }
    this.failWaiting(error);
    this.setState({ state: 'idle', error });
  }

  private scheduleReconnect(error: Error): void {
    const policy = this.options.reconnect;
    if (!policy) return;
    this.attempt += 1;
    if (this.attempt > policy.maxAttempts) {
      const gaveUp = new ConnectionError(
        `Gave up reconnecting to ${this.options.url} after ${policy.maxAttempts} attempts: ` +
          error.message,
        { cause: error },
      );
      this.attempt = 0;
      this.failWaiting(gaveUp);
      this.setState({ state: 'idle', error: gaveUp });
      return;
    }
    const delayMs = backoffDelayMs(this.attempt, policy, this.options.random);
    this.setState({ state: 'reconnecting', attempt: this.attempt, delayMs, error });
    const timer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.startAttempt().catch(() => undefined);
    }, delayMs);
    // Waiting calls keep a Node process alive with their own timers; a bare retry loop must not.
    (timer as { unref?: () => void }).unref?.();
    this.reconnectTimer = timer;
  }

  private cancelReconnectTimer(): void {
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }

  private openSocket(): Promise<WebSocketLike> {
    const { url, connectTimeoutMs } = this.options;
    return new Promise((resolve, reject) => {
      let socket: WebSocketLike;
      try {
        socket = this.options.createWebSocket(url);
        socket.binaryType = 'arraybuffer';
      } catch (err) {
        reject(
          new ConnectionError(`Cannot connect to ${url}: ${(err as Error).message}`, {
            cause: err,
          }),
        );
        return;
      }
      this.socket = socket;
      this.ready = false;
      let opened = false;
      const timer = setTimeout(() => {
        reject(new ConnectionError(`Timed out after ${connectTimeoutMs} ms connecting to ${url}`));
        this.discard(socket, 'connect timeout');
      }, connectTimeoutMs);
      socket.addEventListener('open', () => {
        opened = true;
        clearTimeout(timer);
        resolve(socket);
      });
      socket.addEventListener('error', (event) => {
        if (opened) return;
        clearTimeout(timer);
        const detail =
          (event as { message?: string }).message ?? (event as { error?: Error }).error?.message;
        reject(new ConnectionError(`Cannot connect to ${url}${detail ? `: ${detail}` : ''}`));
      });
      socket.addEventListener('message', (event) => this.onMessage(socket, event.data));
      socket.addEventListener('close', (event) => {
        clearTimeout(timer);
        if (!opened)
          reject(new ConnectionError(`Cannot connect to ${url} (closed with ${event.code})`));
        this.onClose(socket, event.code, event.reason);
      });
    });
  }

  /** A handshake reply that is no success: the socket goes, and the failure's text and code. */
  private refusal(
    socket: WebSocketLike,
    reply: RawReply,
    reason: string,
  ): { message?: string | undefined; code?: string | undefined } | undefined {
    const envelope = readReplyEnvelope(reply);
    if (envelope.kind === 'success') return undefined;
    this.discard(socket, reason);
    return envelope.kind === 'failure' ? envelope : {};
  }

  /** A handshake frame: nothing else is on the socket yet, so the next frame answers it. */
  private handshakeRequest(
    socket: WebSocketLike,
    frame: Record<string, unknown>,
  ): Promise<RawReply> {
    const { connectTimeoutMs } = this.options;
    return new Promise((resolve, reject) => {
      if (socket !== this.socket) {
        reject(new ConnectionError('The connection closed while connecting'));
        return;
      }
      const timer = setTimeout(() => {
        this.handshake = undefined;
        reject(
          new ConnectionError(`No reply to ${String(frame.command)} within ${connectTimeoutMs} ms`),
        );
        this.discard(socket, 'handshake timeout');
      }, connectTimeoutMs);
      this.handshake = {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      try {
        socket.send(JSON.stringify(frame));
      } catch (err) {
        this.handshake.reject(new ConnectionError(`Sending failed: ${(err as Error).message}`));
        this.handshake = undefined;
      }
    });
  }

  private enqueue(
    command: string,
    params: object | undefined,
    options: RequestOptions,
  ): Promise<RawReply> {
    const frame: Record<string, unknown> = { command, ...(params ? { params } : {}) };
    return new Promise<RawReply>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
      const { signal } = options;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => this.abandon(pending, abortError(signal));
      const settle = () => {
        pending.settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const pending: Pending = {
        command,
        frame,
        sent: false,
        settled: false,
        onEvent: options.onEvent,
        binary: options.binary === true,
        nativeEvents: options.nativeEvents === true,
        resolve: (reply) => {
          if (pending.settled) return;
          settle();
          resolve(reply);
        },
        reject: (error) => {
          if (pending.settled) return;
          settle();
          reject(error);
        },
      };
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      // Infinity: a stream that lasts until the caller ends it (abort) or the server does.
      if (Number.isFinite(timeoutMs))
        timer = setTimeout(() => {
          const what = pending.sent
            ? `${command} got no reply within ${timeoutMs} ms`
            : this.ready
              ? `${command} was not sent within ${timeoutMs} ms: the server takes one call at a time`
              : `${command} was not sent: no connection to the server within ${timeoutMs} ms`;
          this.abandon(pending, new TimeoutError(what));
        }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(pending);
    });
  }

  /** A call given up (timeout or abort) before its reply. */
  private abandon(pending: Pending, error: Error): void {
    if (pending.settled) return;
    pending.reject(error);
    if (!pending.sent) {
      remove(this.waiting, pending);
      return;
    }
    if (typeof pending.frame.id === 'number') {
      // Its late reply carries the id and is dropped on arrival.
      this.byId.delete(pending.frame.id);
      return;
    }
    if (remove(this.inOrder, pending) && this.socket) {
      // Without ids, the late reply would be taken for the next call's: start a new socket.
      this.discard(this.socket, 'resync');
      if (this.current !== 'closed') {
        this.setState({ state: 'idle' });
        if (this.waiting.length > 0) void this.startAttempt().catch(() => undefined);
      }
    }
  }

  /** Writes what may go now: everything with ids, else the next call once the last is answered. */
  private flush(): void {
    if (!this.ready || !this.socket) return;
    if (this.useIds) {
      const streams = this.features.includes('stream');
      const binary = this.features.includes(BINARY_IMAGES_FEATURE);
      for (const pending of this.waiting.splice(0)) {
        const id = this.nextId++;
        pending.frame.id = id;
        // Decided per socket: the server this call reaches is the one that said what it can do.
        if (pending.onEvent && pending.nativeEvents) {
          // The command sends its events by itself (a frame stream): nothing to ask for.
        } else if (pending.onEvent && streams) {
          pending.frame.params = { ...(pending.frame.params as object | undefined), stream: true };
        } else {
          pending.onEvent = undefined;
        }
        if (pending.binary && binary) pending.frame.binary = true;
        this.byId.set(id, pending);
        this.write(pending);
      }
      return;
    }
    if (this.inOrder.length > 0) return;
    const next = this.waiting.shift();
    if (!next) return;
    this.inOrder.push(next);
    this.write(next);
  }

  private write(pending: Pending): void {
    pending.sent = true;
    try {
      this.socket!.send(JSON.stringify(pending.frame));
    } catch (err) {
      // Whether any of it left is unknown: treat it as sent and lost.
      if (typeof pending.frame.id === 'number') this.byId.delete(pending.frame.id);
      remove(this.inOrder, pending);
      pending.reject(
        new ConnectionError(`Sending ${pending.command} failed: ${(err as Error).message}`, {
          cause: err,
        }),
      );
    }
  }

  private onMessage(socket: WebSocketLike, data: unknown): void {
    if (socket !== this.socket) return;
    let reply: RawReply;
    if (typeof data === 'string') {
      try {
        const value = JSON.parse(data) as unknown;
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
        reply = value as RawReply;
      } catch {
        return;
      }
    } else {
      // A binary frame is only ever the reply to a request that asked for one.
      const bytes = asBytes(data);
      const decoded = bytes && decodeBinaryReply(bytes);
      if (!decoded) return;
      reply = Object.assign(decoded.reply, { [BINARY_FIELDS]: decoded.fields });
    }
    if (!this.ready) {
      const waiter = this.handshake;
      this.handshake = undefined;
      waiter?.resolve(reply);
      return;
    }
    if (this.useIds) {
      const { kind, id } = readReplyEnvelope(reply);
      const pending = typeof id === 'number' ? this.byId.get(id) : undefined;
      if (!pending) return;
      if (kind === 'output' || kind === 'event') return this.deliverEvent(pending, reply);
      this.byId.delete(id as number);
      pending.resolve(reply);
      return;
    }
    this.inOrder.shift()?.resolve(reply);
    this.flush();
  }

  private deliverEvent(pending: Pending, event: RawReply): void {
    if (!pending.onEvent) return;
    try {
      pending.onEvent(event);
    } catch (err) {
      // The user's callback failed: the call fails with its error, and later frames are dropped.
      this.abandon(pending, err instanceof Error ? err : new Error(String(err)));
    }
  }

  private onClose(socket: WebSocketLike, code: number, reason: string): void {
    if (socket !== this.socket) return;
    const wasReady = this.ready;
    this.socket = undefined;
    this.ready = false;
    const why = reason ? `${code} ${reason}` : String(code);
    if (this.handshake) {
      this.handshake.reject(new ConnectionError(`The connection closed while connecting (${why})`));
      this.handshake = undefined;
    }
    // Before the handshake finished, the attempt itself fails and decides what follows.
    if (!wasReady || this.current === 'closed') return;
    const error = new ConnectionError(`Connection to ${this.options.url} lost (${why})`);
    this.failInFlight(
      new ConnectionError(
        `Connection lost (${why}) while the call was in flight; ` +
          'it was not resent, and may or may not have run',
      ),
    );
    if (!this.options.reconnect) {
      this.lost = new ConnectionError(
        `${error.message}; reconnect is off, call connect() to reopen`,
      );
      this.failWaiting(this.lost);
      this.setState({ state: 'idle', error });
      return;
    }
    this.attempt = 0;
    this.scheduleReconnect(error);
  }

  /** Closes a socket this connection no longer listens to. */
  private discard(socket: WebSocketLike, reason: string): void {
    if (socket === this.socket) {
      this.socket = undefined;
      this.ready = false;
    }
    this.failInFlight(new ConnectionError(`Connection reset (${reason})`));
    void closeAndWait(socket, 1000, reason);
  }

  private failInFlight(error: Error): void {
    const sent = [...this.byId.values(), ...this.inOrder];
    this.byId.clear();
    this.inOrder.length = 0;
    for (const pending of sent) pending.reject(error);
  }

  private failWaiting(error: Error): void {
    for (const pending of this.waiting.splice(0)) pending.reject(error);
  }

  private failAll(error: Error): void {
    this.failInFlight(error);
    this.failWaiting(error);
  }
}

function closedError(): ConnectionError {
  return new ConnectionError('The connection was closed');
}

function toError(value: unknown): Error {
  if (value instanceof Error || CuaClientError.isInstance(value)) return value;
  return new ConnectionError(String(value));
}

function remove<T>(list: T[], item: T): boolean {
  const at = list.indexOf(item);
  if (at < 0) return false;
  list.splice(at, 1);
  return true;
}

/** Starts the closing handshake and resolves when it is done, or after a bounded wait. */
function closeAndWait(socket: WebSocketLike, code: number, reason: string): Promise<void> {
  if (socket.readyState === WS_CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, CLOSE_WAIT_MS);
    socket.addEventListener('close', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      socket.close(code, reason);
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}

function asBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}
