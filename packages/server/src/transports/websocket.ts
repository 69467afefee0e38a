import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { AUTH_MESSAGES } from '@cua/computer-protocol';
import type { Authenticator } from '../auth/authenticator.js';
import type { Dispatcher } from '../core/dispatcher.js';
import { LIMITS } from '../core/limits.js';
import type { MemoryBudget } from '../core/memory-budget.js';
import { Session } from '../core/session.js';
import type { PreAuthSlot, PreAuthSlots } from './pre-auth-slots.js';
import { refuseUpgrade } from './upgrade-routes.js';

export interface WebSocketTransportOptions {
  dispatcher: Dispatcher;
  logger: Logger;
  maxPayloadBytes: number;
  heartbeatMs: number;
  /** Memory one connection may hold (queued requests, reserved reads, unsent replies). */
  connectionBudgetBytes: number;
  serverBudget: MemoryBudget;
  maxReplyBytes: number;
  /** When set, the first frame must be a successful `authenticate`. */
  authenticator?: Authenticator | undefined;
  handshakeTimeoutMs: number;
  /** Connections not yet authenticated, shared with HTTP. */
  preAuth: PreAuthSlots;
}

/**
 * `/ws`: one JSON text frame in, one out. Idle sockets stay open (upstream clients cannot
 * recover from a server-side close); only peers that stop answering pings are dropped.
 */
export class WebSocketTransport {
  private readonly wss: WebSocketServer;
  private readonly sessions = new Map<WebSocket, Session>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly alive = new WeakSet<WebSocket>();
  /** Reply bytes a paused socket had taken by the last heartbeat. */
  private readonly progress = new WeakMap<WebSocket, number>();
  private readonly slots = new WeakMap<IncomingMessage, PreAuthSlot>();

  constructor(private readonly options: WebSocketTransportOptions) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayloadBytes,
      perMessageDeflate: false,
    });
    this.wss.on('connection', (ws: WebSocket, req: IncomingMessage) => this.onConnection(ws, req));
    this.heartbeat = setInterval(() => this.ping(), options.heartbeatMs);
    this.heartbeat.unref();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.options.authenticator) {
      // Refused before the upgrade, so an unauthenticated flood costs no WebSocket state.
      const slot = this.options.preAuth.acquire(req.socket.remoteAddress ?? 'unknown');
      if (slot === undefined) {
        refuseUpgrade(socket, 'service_unavailable', { headers: { 'Retry-After': '1' } });
        return;
      }
      this.slots.set(req, slot);
      // Before authentication only a small first frame is accepted: count what arrives.
      if (!limitPreAuthBytes(socket, head.length, () => slot.release())) return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  /**
   * Answers what was asked within `graceMs`, then aborts whatever still runs (so its processes
   * die with it) and waits up to `abortWaitMs` for those answers, then closes every socket with
   * 1001 (going away).
   */
  async close(graceMs: number, abortWaitMs: number): Promise<void> {
    clearInterval(this.heartbeat);
    const drainAll = () =>
      Promise.allSettled([...this.sessions.values()].map((session) => session.drain()));
    await Promise.race([drainAll(), delay(graceMs)]);
    for (const session of this.sessions.values()) session.close('server shutting down');
    await Promise.race([drainAll(), delay(abortWaitMs)]);
    for (const ws of this.sessions.keys()) ws.close(1001, 'server shutting down');
    await Promise.race([
      Promise.allSettled([...this.sessions.keys()].map((ws) => closed(ws))),
      delay(1000),
    ]);
    for (const ws of this.sessions.keys()) ws.terminate();
    this.wss.close();
  }

  /** Accepts, sends one failure frame and closes: the availability gate's way to refuse a socket. */
  refuse(req: IncomingMessage, socket: Duplex, head: Buffer, body: object): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      ws.send(JSON.stringify(body));
      ws.close(1008, 'unavailable');
    });
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const log = this.options.logger;
    const session: Session = new Session({
      dispatcher: this.options.dispatcher,
      serverBudget: this.options.serverBudget,
      connectionBudgetBytes: this.options.connectionBudgetBytes,
      maxReplyBytes: this.options.maxReplyBytes,
      send: (frame, sent) => ws.send(frame, () => sent()),
      // Reading stops (TCP backpressure reaches the client) while the budget is spent.
      setPaused: (paused) => (paused ? ws.pause() : ws.resume()),
    });
    this.sessions.set(ws, session);
    this.alive.add(ws);
    log.debug({ connections: this.sessions.size }, 'websocket connected');

    const handleFrame = (data: RawData, isBinary: boolean) => {
      if (isBinary) session.handleBinary(rawLength(data));
      else session.handleText(rawToString(data), rawLength(data));
    };
    const slot = this.slots.get(req);
    const onFrame =
      this.options.authenticator && slot
        ? this.authGate(ws, req, this.options.authenticator, slot, handleFrame)
        : handleFrame;

    ws.on('pong', () => this.alive.add(ws));
    ws.on('message', onFrame);
    ws.on('close', (code) => {
      slot?.release();
      session.close();
      this.sessions.delete(ws);
      log.debug({ code, connections: this.sessions.size }, 'websocket closed');
    });
    ws.on('error', (err) => log.debug({ err }, 'websocket error'));
  }

  /**
   * Until the first frame has authenticated, no command of any name runs: frames that arrive
   * while the key is checked wait (within the pre-auth byte limit), and are dropped with the
   * socket if it fails. A failure is answered after the throttle's delay.
   */
  private authGate(
    ws: WebSocket,
    req: IncomingMessage,
    authenticator: Authenticator,
    slot: PreAuthSlot,
    next: (data: RawData, isBinary: boolean) => void,
  ): (data: RawData, isBinary: boolean) => void {
    let state: 'first' | 'checking' | 'ok' | 'failed' = 'first';
    const held: Array<[RawData, boolean]> = [];
    const address = req.socket.remoteAddress ?? 'unknown';
    const timer = setTimeout(() => {
      if (state === 'ok') return;
      ws.close(1008, 'authentication timeout');
      // A peer that does not answer the close must not keep its socket past the lifetime.
      setTimeout(() => ws.terminate(), 1000).unref();
    }, this.options.handshakeTimeoutMs);
    timer.unref();
    let delayTimer: NodeJS.Timeout | undefined;
    ws.once('close', () => {
      clearTimeout(timer);
      clearTimeout(delayTimer);
    });

    return (data, isBinary) => {
      if (state === 'ok') return next(data, isBinary);
      if (state === 'failed') return;
      if (state === 'checking') {
        held.push([data, isBinary]);
        return;
      }
      state = 'checking';
      void authenticator
        .checkFirstFrame(isBinary ? undefined : rawToString(data), address)
        .then((outcome) => {
          if (ws.readyState !== ws.OPEN) return;
          if (!outcome.ok) {
            state = 'failed';
            held.length = 0;
            const answer = () => {
              if (ws.readyState !== ws.OPEN) return;
              // Byte-compatible with upstream: clients compare these strings.
              ws.send(JSON.stringify({ success: false, error: outcome.message }));
              ws.close(1000);
            };
            if (outcome.delayMs <= 0) return answer();
            slot.park(() => ws.terminate());
            delayTimer = setTimeout(answer, outcome.delayMs);
            return;
          }
          state = 'ok';
          clearTimeout(timer);
          slot.release();
          stopCountingPreAuthBytes(req.socket);
          ws.send(JSON.stringify({ success: true, message: AUTH_MESSAGES.success }));
          for (const [frame, binary] of held.splice(0)) next(frame, binary);
        });
    };
  }

  private ping(): void {
    for (const [ws, session] of this.sessions) {
      // While reading is paused its pongs go unread too. Such a socket is alive if the wait is
      // the server's (nothing unsent: its requests queue behind slow ones) or its client still
      // takes replies; one that takes nothing is dropped as before, freeing its budget.
      const { paused, unsentBytes, sentBytes } = session.reading;
      if (paused) {
        const before = this.progress.get(ws);
        this.progress.set(ws, sentBytes);
        if (unsentBytes === 0 || before === undefined || sentBytes > before) this.alive.add(ws);
      } else {
        this.progress.delete(ws);
      }
      if (!this.alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }
}

const preAuthCounters = new WeakMap<object, (chunk: Buffer) => void>();

/**
 * Counts the bytes a socket sends before it authenticates and destroys it past
 * `LIMITS.maxPreAuthBytes`: the `authenticate` frame is tiny, and ws would otherwise buffer
 * frames of up to 16 MiB for a client nobody knows. False if `head` alone is already too much.
 */
function limitPreAuthBytes(socket: Duplex, headBytes: number, onDestroy: () => void): boolean {
  // ws hands `head` back to the socket (unshift), so it is counted as data too.
  let received = 0;
  const tooMuch = () => received > LIMITS.maxPreAuthBytes;
  socket.once('close', onDestroy);
  if (headBytes > LIMITS.maxPreAuthBytes) {
    socket.destroy();
    return false;
  }
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (tooMuch()) socket.destroy();
  };
  preAuthCounters.set(socket, onData);
  socket.on('data', onData);
  return true;
}

function stopCountingPreAuthBytes(socket: Duplex): void {
  const onData = preAuthCounters.get(socket);
  if (onData) socket.off('data', onData);
  preAuthCounters.delete(socket);
}

function rawLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function closed(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === ws.CLOSED) resolve();
    else ws.once('close', () => resolve());
  });
}
