import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { httpStatusOf, type ErrorCode } from '@cua/computer-protocol';
import type { PtyWebSocket } from './pty-websocket.js';
import {
  hostAllowed,
  originAllowed,
  UNAVAILABLE_DETAIL,
  unavailableStatus,
  type HostPolicy,
} from './security.js';
import type { WebSocketTransport } from './websocket.js';

export interface UpgradeRoutesOptions {
  ws: WebSocketTransport;
  pty: PtyWebSocket;
  /** Read per upgrade for the availability gate. */
  env: NodeJS.ProcessEnv;
  allowedOrigins: ReadonlySet<string>;
  /** Which Host headers are answered (DNS rebinding); undefined: any. */
  hostPolicy: HostPolicy | undefined;
}

/** `/pty/{pid}/ws`; undefined for any other path. */
function ptyWebSocketPid(path: string): number | undefined {
  const match = /^\/pty\/(\d{1,10})\/ws$/.exec(path);
  return match ? Number(match[1]) : undefined;
}

/**
 * Ends an upgrade that will not happen with a bare HTTP status: the status is the code's, from
 * the protocol's table, unless `status` says otherwise (where upstream answers otherwise).
 */
export function refuseUpgrade(
  socket: Duplex,
  code: ErrorCode,
  options: { status?: number; headers?: Record<string, string> } = {},
): void {
  if (socket.destroyed) return;
  const status = options.status ?? httpStatusOf(code);
  const headers = Object.entries(options.headers ?? {})
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${headers}` +
      'Connection: close\r\nContent-Length: 0\r\n\r\n',
  );
}

/**
 * Which WebSocket upgrade goes where (`/ws`, `/pty/{pid}/ws`), behind the checks every HTTP
 * request gets too, in the same order: Host (DNS rebinding) first, on every path; then the path;
 * then the availability gate, answered as upstream does on a socket it opens to refuse; then
 * Origin (upstream lets any page in; we do not).
 */
export class UpgradeRoutes {
  constructor(private readonly options: UpgradeRoutesOptions) {}

  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { ws, pty, env, allowedOrigins, hostPolicy } = this.options;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!hostAllowed(req.headers.host, hostPolicy))
      return refuseUpgrade(socket, 'forbidden_origin');
    const ptyPid = ptyWebSocketPid(path);
    if (path !== '/ws' && ptyPid === undefined) return refuseUpgrade(socket, 'not_found');
    const unavailable = unavailableStatus(env);
    if (unavailable !== undefined) {
      return ws.refuse(req, socket, head, {
        success: false,
        error: UNAVAILABLE_DETAIL,
        status_code: unavailable,
      });
    }
    if (!originAllowed(req.headers, allowedOrigins)) {
      return refuseUpgrade(socket, 'forbidden_origin');
    }
    if (ptyPid !== undefined) return pty.handleUpgrade(req, socket, head, ptyPid);
    ws.handleUpgrade(req, socket, head);
  }
}
