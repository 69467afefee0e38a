import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { AUTH_MESSAGES } from '@cua/computer-protocol';
import type { Authenticator } from '../auth/authenticator.js';
import type { Dispatcher } from '../dispatcher.js';
import { Session } from '../session.js';

export interface WebSocketTransportOptions {
  dispatcher: Dispatcher;
  logger: Logger;
  maxPayloadBytes: number;
  heartbeatMs: number;
  /** Unsent reply bytes above which the server stops reading from a client that does not read. */
  maxBufferedBytes: number;
  /** When set, the first frame must be a successful `authenticate`. */
  authenticator?: Authenticator | undefined;
  handshakeTimeoutMs: number;
}

/** Frames a client may pipeline behind its `authenticate` while the key is being checked. */
const MAX_FRAMES_DURING_AUTH = 256;

/**
 * `/ws`: one JSON text frame in, one out. Idle sockets stay open (upstream clients cannot
 * recover from a server-side close); only peers that stop answering pings are dropped.
 */
export class WebSocketTransport {
  private readonly wss: WebSocketServer;
  private readonly sessions = new Map<WebSocket, Session>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly alive = new WeakSet<WebSocket>();

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
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  get connectionCount(): number {
    return this.sessions.size;
  }

  /** Answers what was asked, then closes every socket with 1001 (going away). */
  async close(graceMs: number): Promise<void> {
    clearInterval(this.heartbeat);
    const drains = [...this.sessions.values()].map((s) => s.drain());
    await Promise.race([Promise.allSettled(drains), delay(graceMs)]);
    for (const ws of this.sessions.keys()) ws.close(1001, 'server shutting down');
    await Promise.race([
      Promise.allSettled([...this.sessions.keys()].map((ws) => closed(ws))),
      delay(1000),
    ]);
    for (const ws of this.sessions.keys()) ws.terminate();
    this.wss.close();
  }

  /** Accepts, sends one failure frame and closes: the §1.6 gate's way of refusing a socket. */
  refuse(req: IncomingMessage, socket: Duplex, head: Buffer, body: object): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      ws.send(JSON.stringify(body));
      ws.close(1008, 'unavailable');
    });
  }

  private onConnection(ws: WebSocket, req: IncomingMessage): void {
    const log = this.options.logger;
    let unsentBytes = 0;
    // Reading stops while the client is behind on its replies or requests wait for a slot.
    let behind = false;
    let queued = false;
    let paused = false;
    const updateReading = () => {
      const shouldPause = behind || queued;
      if (shouldPause === paused) return;
      paused = shouldPause;
      if (paused) ws.pause();
      else ws.resume();
    };
    const session: Session = new Session({
      dispatcher: this.options.dispatcher,
      send: (body) => {
        const text = JSON.stringify(body);
        const bytes = Buffer.byteLength(text);
        unsentBytes += bytes;
        ws.send(text, () => {
          unsentBytes -= bytes;
          if (behind && unsentBytes < this.options.maxBufferedBytes / 2) {
            behind = false;
            session.setCongested(false);
            updateReading();
          }
        });
        if (!behind && unsentBytes > this.options.maxBufferedBytes) {
          behind = true;
          session.setCongested(true);
          updateReading();
        }
      },
      onBackpressure: (waiting) => {
        queued = waiting;
        updateReading();
      },
    });
    this.sessions.set(ws, session);
    this.alive.add(ws);
    log.debug({ connections: this.sessions.size }, 'websocket connected');

    const handleFrame = (data: RawData, isBinary: boolean) => {
      if (isBinary) session.handleBinary();
      else session.handleText(rawToString(data));
    };
    const onFrame = this.options.authenticator
      ? this.authGate(ws, req, this.options.authenticator, handleFrame)
      : handleFrame;

    ws.on('pong', () => this.alive.add(ws));
    ws.on('message', onFrame);
    ws.on('close', (code) => {
      session.close();
      this.sessions.delete(ws);
      log.debug({ code, connections: this.sessions.size }, 'websocket closed');
    });
    ws.on('error', (err) => log.debug({ err }, 'websocket error'));
  }

  /**
   * Until the first frame has authenticated, no command of any name runs: frames that arrive
   * while the key is checked wait, and are dropped with the socket if it fails.
   */
  private authGate(
    ws: WebSocket,
    req: IncomingMessage,
    authenticator: Authenticator,
    next: (data: RawData, isBinary: boolean) => void,
  ): (data: RawData, isBinary: boolean) => void {
    let state: 'first' | 'checking' | 'ok' | 'failed' = 'first';
    const held: Array<[RawData, boolean]> = [];
    const address = req.socket.remoteAddress ?? 'unknown';
    const timer = setTimeout(() => {
      if (state !== 'ok') ws.close(1008, 'authentication timeout');
    }, this.options.handshakeTimeoutMs);
    timer.unref();
    ws.once('close', () => clearTimeout(timer));

    return (data, isBinary) => {
      if (state === 'ok') return next(data, isBinary);
      if (state === 'failed') return;
      if (state === 'checking') {
        if (held.length >= MAX_FRAMES_DURING_AUTH)
          ws.close(1008, 'too many frames before authentication');
        else held.push([data, isBinary]);
        return;
      }
      state = 'checking';
      void authenticator
        .checkFirstFrame(isBinary ? undefined : rawToString(data), address)
        .then((outcome) => {
          if (ws.readyState !== ws.OPEN) return;
          if (!outcome.ok) {
            state = 'failed';
            // Byte-compatible with upstream: clients compare these strings.
            ws.send(JSON.stringify({ success: false, error: outcome.message }));
            ws.close(outcome.code === 'rate_limited' ? 1008 : 1000);
            return;
          }
          state = 'ok';
          clearTimeout(timer);
          ws.send(JSON.stringify({ success: true, message: AUTH_MESSAGES.success }));
          for (const [frame, binary] of held.splice(0)) next(frame, binary);
        });
    };
  }

  private ping(): void {
    for (const ws of this.sessions.keys()) {
      if (!this.alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }
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
