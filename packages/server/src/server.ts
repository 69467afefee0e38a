import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { Dispatcher } from './dispatcher.js';
import { createHandlers } from './handlers/index.js';
import type { HandlerTable } from './handlers/types.js';
import { createLogger } from './logger.js';
import { HttpTransport } from './transports/http.js';
import { WebSocketTransport } from './transports/websocket.js';

export interface ComputerServerOptions {
  /** Loopback unless told otherwise: a desktop is not something to expose by accident. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  logger?: Logger;
  /** Replace handlers (tests, embedders); defaults to the real ones. */
  handlers?: HandlerTable;
  commandTimeoutMs?: number;
  /** Upstream's effective limit (uvicorn's default): larger frames close with 1009. */
  maxPayloadBytes?: number;
  heartbeatMs?: number;
  maxBufferedBytes?: number;
  /** How long shutdown waits for in-flight requests before closing sockets. */
  shutdownGraceMs?: number;
}

export interface RunningServer {
  readonly host: string;
  readonly port: number;
  /** `ws://host:port/ws` */
  readonly url: string;
  readonly httpUrl: string;
  readonly server: Server;
  close(): Promise<void>;
}

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8000,
  commandTimeoutMs: 10 * 60_000,
  maxPayloadBytes: 16 * 1024 * 1024,
  heartbeatMs: 20_000,
  maxBufferedBytes: 64 * 1024 * 1024,
  shutdownGraceMs: 5_000,
} as const;

function osType(): string {
  if (process.platform === 'darwin') return 'darwin';
  if (process.platform === 'win32') return 'windows';
  return 'linux';
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** One HTTP server, one port: WebSocket `/ws`, `POST /cmd`, `GET /status`, `GET /commands`. */
export async function startComputerServer(options: ComputerServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger();
  const maxPayloadBytes = options.maxPayloadBytes ?? DEFAULTS.maxPayloadBytes;
  const dispatcher = new Dispatcher({
    handlers: options.handlers ?? createHandlers(),
    commandTimeoutMs: options.commandTimeoutMs ?? DEFAULTS.commandTimeoutMs,
    logger,
  });
  const http = new HttpTransport({ dispatcher, maxPayloadBytes, osType: osType() });
  const ws = new WebSocketTransport({
    dispatcher,
    logger,
    maxPayloadBytes,
    heartbeatMs: options.heartbeatMs ?? DEFAULTS.heartbeatMs,
    maxBufferedBytes: options.maxBufferedBytes ?? DEFAULTS.maxBufferedBytes,
  });

  const server = createServer((req, res) => http.handle(req, res));
  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    ws.handleUpgrade(req, socket, head);
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  const host = options.host ?? DEFAULTS.host;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULTS.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const base = `${formatHost(host)}:${port}`;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const grace = options.shutdownGraceMs ?? DEFAULTS.shutdownGraceMs;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.all([ws.close(grace), http.drain(grace)]);
      server.closeAllConnections();
      await closed;
    })();
    return closing;
  };

  return { host, port, url: `ws://${base}/ws`, httpUrl: `http://${base}`, server, close };
}
