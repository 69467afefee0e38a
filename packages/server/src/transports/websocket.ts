import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Dispatcher } from '../dispatcher.js';
import { Session } from '../session.js';

export interface WebSocketTransportOptions {
  dispatcher: Dispatcher;
  logger: Logger;
  maxPayloadBytes: number;
  heartbeatMs: number;
  /** Unsent reply bytes above which the server stops reading from a client that does not read. */
  maxBufferedBytes: number;
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

  constructor(private readonly options: WebSocketTransportOptions) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayloadBytes,
      perMessageDeflate: false,
    });
    this.wss.on('connection', (ws) => this.onConnection(ws));
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

  private onConnection(ws: WebSocket): void {
    const log = this.options.logger;
    let unsentBytes = 0;
    let paused = false;
    const session = new Session({
      dispatcher: this.options.dispatcher,
      send: (body) => {
        const text = JSON.stringify(body);
        unsentBytes += Buffer.byteLength(text);
        ws.send(text, () => {
          unsentBytes -= Buffer.byteLength(text);
          if (paused && unsentBytes < this.options.maxBufferedBytes / 2) {
            paused = false;
            ws.resume();
          }
        });
        if (!paused && unsentBytes > this.options.maxBufferedBytes) {
          // Backpressure: stop reading requests until the client reads its replies.
          paused = true;
          ws.pause();
        }
      },
    });
    this.sessions.set(ws, session);
    this.alive.add(ws);
    log.debug({ connections: this.sessions.size }, 'websocket connected');

    ws.on('pong', () => this.alive.add(ws));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) session.handleBinary();
      else session.handleText(rawToString(data));
    });
    ws.on('close', (code) => {
      session.close();
      this.sessions.delete(ws);
      log.debug({ code, connections: this.sessions.size }, 'websocket closed');
    });
    ws.on('error', (err) => log.debug({ err }, 'websocket error'));
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
