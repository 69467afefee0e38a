import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Authenticator } from '../auth/authenticator.js';
import { LIMITS } from '../core/limits.js';
import { cells } from './pty-routes.js';
import type { PtySessions } from './pty-sessions.js';
import type { PreAuthSlots } from './pre-auth-slots.js';
import { refuseUpgrade } from './upgrade-routes.js';

export interface PtyWebSocketOptions {
  sessions: PtySessions;
  authenticator?: Authenticator | undefined;
  preAuth: PreAuthSlots;
  logger: Logger;
}

/**
 * WebSocket `/pty/{pid}/ws`, upstream's frames: the client sends `stdin`, `resize` and
 * `disconnect`, the server `output` and `exit`. Credentials come from the query string
 * (`container_name`, `api_key`, as upstream's Python client sends them) or the `X-Container-Name`
 * and `X-API-Key` headers, and are checked before the upgrade: a refusal is an HTTP 403 as
 * upstream's. Beyond upstream, the socket starts with the session's scrollback (`?scrollback=0`
 * skips it), and an unknown pid is refused with 404 instead of waiting forever.
 */
export class PtyWebSocket {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: LIMITS.maxSideRouteBodyBytes,
    perMessageDeflate: false,
  });

  constructor(private readonly options: PtyWebSocketOptions) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, pid: number): void {
    void this.upgrade(req, socket, head, pid).catch((err: unknown) => {
      this.options.logger.debug({ err }, 'pty websocket upgrade failed');
      socket.destroy();
    });
  }

  close(): void {
    for (const ws of this.wss.clients) ws.close(1001, 'server shutting down');
    this.wss.close();
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, pid: number) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!(await this.authenticated(req, socket, url))) return;
    const session = this.options.sessions.get(pid);
    if (!session) return refuseUpgrade(socket, 'not_found');
    if (socket.destroyed) return;
    const replay = !/^(0|false|no)$/i.test(url.searchParams.get('scrollback') ?? '');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const limit = this.options.sessions.limits.subscriberBufferBytes;
      const send = (event: object) => {
        if (ws.readyState !== ws.OPEN) return;
        ws.send(JSON.stringify(event));
        // A client that stops reading is let go rather than buffered for without end.
        if (ws.bufferedAmount > limit) ws.terminate();
      };
      const detach = session.attach(
        {
          output: (data) => send({ type: 'output', data: data.toString('base64') }),
          exit: (code) => {
            send({ type: 'exit', code });
            ws.close(1000);
          },
        },
        replay,
      );
      ws.on('message', (data, isBinary) => {
        if (!isBinary) this.onFrame(ws, pid, data);
      });
      ws.on('close', detach);
      ws.on('error', () => undefined);
    });
  }

  private onFrame(ws: WebSocket, pid: number, data: RawData): void {
    const session = this.options.sessions.get(pid);
    let frame: unknown;
    try {
      frame = JSON.parse(rawToString(data));
    } catch {
      // Upstream ignores frames that are not JSON.
      return;
    }
    if (typeof frame !== 'object' || frame === null || !session) return;
    const { type } = frame as { type?: unknown };
    const body = frame as Record<string, unknown>;
    try {
      if (type === 'stdin' && typeof body.data === 'string') {
        session.write(Buffer.from(body.data, 'base64'));
      } else if (type === 'resize') {
        session.resize(cells(body, 'cols', 80), cells(body, 'rows', 24));
      } else if (type === 'disconnect') {
        ws.close(1000);
      }
    } catch {
      // A bad resize is dropped, as upstream drops frames it cannot use.
    }
  }

  /** True when auth is off or the credentials hold; otherwise the socket has been answered. */
  private async authenticated(req: IncomingMessage, socket: Duplex, url: URL): Promise<boolean> {
    const { authenticator, preAuth } = this.options;
    if (!authenticator) return true;
    const address = req.socket.remoteAddress ?? 'unknown';
    const slot = preAuth.acquire(address);
    if (slot === undefined) {
      refuseUpgrade(socket, 'service_unavailable', { headers: { 'Retry-After': '1' } });
      return false;
    }
    try {
      const outcome = await authenticator.checkHeaders(
        url.searchParams.get('container_name') ?? req.headers['x-container-name'],
        url.searchParams.get('api_key') ?? req.headers['x-api-key'],
        address,
      );
      if (outcome.ok) return true;
      if (outcome.delayMs > 0) {
        slot.park(() => socket.destroy());
        await new Promise((resolve) => setTimeout(resolve, outcome.delayMs).unref());
      }
      // Upstream refuses bad terminal credentials with 403, not the table's 401.
      refuseUpgrade(socket, outcome.code, { status: 403 });
      return false;
    } finally {
      slot.release();
    }
  }
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
