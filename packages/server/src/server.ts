import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { DEFAULT_HOST, DEFAULT_PORT } from '@cua/computer-protocol';
import type { Logger } from 'pino';
import { resolveAuth, type AuthSettings } from './auth/config.js';
import { Dispatcher } from './core/dispatcher.js';
import { createDesktop, type DesktopBackend } from './desktop/create-desktop.js';
import { resolveDisplay } from './desktop/display.js';
import type { Desktop } from './desktop/desktop.js';
import { createHandlers } from './handlers/index.js';
import type { HandlerTable } from './handlers/types.js';
import { LIMITS } from './core/limits.js';
import { createLogger } from './logger.js';
import { MemoryBudget } from './core/memory-budget.js';
import { allowedOriginSet, hostPolicyFor } from './transports/security.js';
import { HttpTransport } from './transports/http.js';
import { McpHttp } from './transports/mcp-http.js';
import { DEFAULT_WEB_SEARCH_URL } from './transports/playwright-actions.js';
import { BrowserHost } from './transports/playwright-browser.js';
import { PlaywrightRoutes } from './transports/playwright-routes.js';
import { PreAuthSlots } from './transports/pre-auth-slots.js';
import { PtyRoutes } from './transports/pty-routes.js';
import { ptyAvailable, PtySessions, type PtyLimits } from './transports/pty-sessions.js';
import { PtyWebSocket } from './transports/pty-websocket.js';
import { UpgradeRoutes } from './transports/upgrade-routes.js';
import { WebSocketTransport } from './transports/websocket.js';

export interface ComputerServerOptions {
  /** Loopback unless told otherwise: a desktop is not something to expose by accident. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  logger?: Logger;
  /** Replace handlers (tests, embedders); defaults to the real ones. */
  handlers?: HandlerTable;
  /** The X display to drive; defaults to `DISPLAY`. */
  display?: string;
  /** Which desktop backend drives the display: `x11` (Linux default) or `nut` (nut-js). */
  backend?: DesktopBackend;
  /** Replace the desktop backend (embedders); closed with the server. */
  desktop?: Desktop;
  commandTimeoutMs?: number;
  /** Upstream's effective limit (uvicorn's default): larger frames close with 1009. */
  maxPayloadBytes?: number;
  heartbeatMs?: number;
  /**
   * Memory one connection may hold: queued requests, reserved reads, unsent replies. Reading
   * from it pauses when this is reached. (`maxBufferedBytes` is the older name.)
   */
  connectionBudgetBytes?: number;
  maxBufferedBytes?: number;
  /** The same, summed over every connection and `/cmd` request. */
  serverBudgetBytes?: number;
  /** Largest encoded reply; a bigger one is replaced by a `reply_too_large` failure. */
  maxReplyBytes?: number;
  /** How long shutdown waits for in-flight requests before aborting them. */
  shutdownGraceMs?: number;
  /** After aborting, how long shutdown waits for their replies (and process trees). */
  shutdownAbortWaitMs?: number;
  /**
   * Who may connect. Defaults to `auto` read from the environment, as upstream: on when
   * `CONTAINER_NAME` is set or API keys are given. Tests and embedders should say which they want.
   */
  auth?: AuthSettings;
  /** A socket that has not authenticated by then is closed. */
  handshakeTimeoutMs?: number;
  /** An HTTP request (or upgrade) whose headers have not all arrived by then is dropped. */
  headersTimeoutMs?: number;
  /** Browser origins allowed to use the server (e.g. `http://localhost:5173`); none by default. */
  allowOrigins?: readonly string[];
  /**
   * Host names (besides IP literals and localhost) the server answers to when bound to loopback,
   * e.g. a name in /etc/hosts; other Host headers are refused (DNS rebinding).
   */
  allowedHosts?: readonly string[];
  /** Serve `wss://` and `https://` on the same port. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /**
   * Called once the server holds nothing again after holding at least `LIMITS.reclaimAfterBytes`
   * (a load has passed): the CLI runs a full garbage collection there, so memory returns.
   */
  onLoadDrained?: () => void;
  /** Environment read per request by the availability gate (docs/protocol.md, Availability gate). */
  env?: NodeJS.ProcessEnv;
  /** Terminal (`/pty`) limits; defaults in LIMITS. */
  pty?: Partial<PtyLimits>;
  /**
   * `/playwright_exec`: the Chromium binary (default `CUA_BROWSER_PATH`, then the system's) and
   * where `web_search` goes (default `CUA_WEB_SEARCH_URL`, then Google; `{query}` is replaced).
   */
  browser?: { executablePath?: string; webSearchUrl?: string };
}

export interface RunningServer {
  readonly host: string;
  readonly port: number;
  /** `ws://host:port/ws` */
  readonly url: string;
  readonly httpUrl: string;
  readonly server: Server;
  /** Which auth mode is on, and why. */
  readonly authSummary: string;
  close(): Promise<void>;
}

export const DEFAULTS = {
  host: DEFAULT_HOST,
  port: DEFAULT_PORT,
  commandTimeoutMs: 10 * 60_000,
  maxPayloadBytes: LIMITS.maxFrameBytes,
  heartbeatMs: 20_000,
  maxBufferedBytes: LIMITS.connectionBudgetBytes,
  connectionBudgetBytes: LIMITS.connectionBudgetBytes,
  serverBudgetBytes: LIMITS.serverBudgetBytes,
  maxReplyBytes: LIMITS.maxReplyBytes,
  shutdownGraceMs: LIMITS.shutdownGraceMs,
  shutdownAbortWaitMs: LIMITS.shutdownAbortWaitMs,
  handshakeTimeoutMs: LIMITS.handshakeTimeoutMs,
} as const;

export function authSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): AuthSettings {
  return {
    mode: 'auto',
    containerName: env.CONTAINER_NAME,
    authBaseUrl: env.CUA_BASE_URL_AUTH,
    apiKeys: (env.CUA_API_KEYS ?? '')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean),
  };
}

function osType(): string {
  if (process.platform === 'darwin') return 'darwin';
  if (process.platform === 'win32') return 'windows';
  return 'linux';
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** One HTTP server, one port: WebSocket `/ws`, `POST /cmd`, `GET /status`, `GET /commands`. */
export async function startComputerServer(
  options: ComputerServerOptions = {},
): Promise<RunningServer> {
  const logger = options.logger ?? createLogger();
  const maxPayloadBytes = options.maxPayloadBytes ?? DEFAULTS.maxPayloadBytes;
  const display = resolveDisplay(options.display);
  const desktop =
    options.desktop ??
    createDesktop({ display, logger, ...(options.backend ? { backend: options.backend } : {}) });
  const dispatcher = new Dispatcher({
    // Without an explicit display, tools read DISPLAY from the environment at each call.
    handlers:
      options.handlers ??
      createHandlers({ desktop, ...(options.display ? { display: options.display } : {}) }),
    commandTimeoutMs: options.commandTimeoutMs ?? DEFAULTS.commandTimeoutMs,
    logger,
  });
  const env = options.env ?? process.env;
  const { authenticator, summary: authSummary } = resolveAuth(
    options.auth ?? authSettingsFromEnv(env),
  );
  const allowedOrigins = allowedOriginSet(options.allowOrigins ?? []);
  const host = options.host ?? DEFAULTS.host;
  const hostPolicy = hostPolicyFor(host, options.allowedHosts ?? []);
  const serverBudget = new MemoryBudget(options.serverBudgetBytes ?? DEFAULTS.serverBudgetBytes);
  const { onLoadDrained } = options;
  if (onLoadDrained) {
    // Many small replies (a screenshot loop) never hold much at once, yet leave the heap and
    // the allocator grown: the process's own growth counts too. Both are judged once the load
    // is really over (not between two bursts, and not per reply: reading RSS is a syscall).
    let rssAfterReclaim = process.memoryUsage.rss();
    let peakSinceReclaim = 0;
    const timer = setTimeout(() => {
      if (serverBudget.usedBytes !== 0) return;
      const grown =
        process.memoryUsage.rss() - rssAfterReclaim >= LIMITS.reclaimAfterRssGrowthBytes;
      if (peakSinceReclaim < LIMITS.reclaimAfterBytes && !grown) return;
      onLoadDrained();
      peakSinceReclaim = 0;
      rssAfterReclaim = process.memoryUsage.rss();
    }, LIMITS.reclaimDelayMs);
    timer.unref();
    serverBudget.onDrained((peakBytes) => {
      peakSinceReclaim = Math.max(peakSinceReclaim, peakBytes);
      timer.refresh();
    });
  }
  const preAuth = new PreAuthSlots(
    LIMITS.maxUnauthenticatedPerAddress,
    LIMITS.maxUnauthenticatedTotal,
  );
  const maxReplyBytes = options.maxReplyBytes ?? DEFAULTS.maxReplyBytes;
  const statusFeatures: string[] = [];
  const ptySessions = new PtySessions({ display: options.display, logger, limits: options.pty });
  const ptyWs = new PtyWebSocket({ sessions: ptySessions, authenticator, preAuth, logger });
  if (await ptyAvailable()) statusFeatures.push('pty');
  const mcp = new McpHttp({ dispatcher, maxBodyBytes: maxPayloadBytes });
  statusFeatures.push('mcp');
  const browser = new BrowserHost({
    executablePath: options.browser?.executablePath,
    display: options.display,
    logger,
  });
  if (browser.available) statusFeatures.push('playwright');
  const playwright = new PlaywrightRoutes({
    browser,
    webSearchUrl:
      options.browser?.webSearchUrl ?? process.env.CUA_WEB_SEARCH_URL ?? DEFAULT_WEB_SEARCH_URL,
  });
  const http = new HttpTransport({
    dispatcher,
    maxPayloadBytes,
    maxReplyBytes,
    osType: osType(),
    authenticator,
    env,
    allowedOrigins,
    hostPolicy,
    serverBudget,
    preAuth,
    routes: [new PtyRoutes(ptySessions), mcp, playwright],
    statusFeatures,
  });
  const ws = new WebSocketTransport({
    dispatcher,
    logger,
    maxPayloadBytes,
    maxReplyBytes,
    heartbeatMs: options.heartbeatMs ?? DEFAULTS.heartbeatMs,
    connectionBudgetBytes:
      options.connectionBudgetBytes ?? options.maxBufferedBytes ?? DEFAULTS.connectionBudgetBytes,
    serverBudget,
    authenticator,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? DEFAULTS.handshakeTimeoutMs,
    preAuth,
  });

  // A connection that trickles its headers or body is dropped, not kept for minutes; Node
  // checks these every `connectionsCheckingInterval` (30 s by default, hence set here).
  const headersTimeout = options.headersTimeoutMs ?? LIMITS.headersTimeoutMs;
  const timeouts = {
    headersTimeout,
    requestTimeout: Math.max(headersTimeout, LIMITS.requestTimeoutMs),
    connectionsCheckingInterval: Math.min(1000, headersTimeout),
  };
  const server: Server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert, ...timeouts }, (req, res) =>
        http.handle(req, res),
      )
    : createHttpServer(timeouts, (req, res) => http.handle(req, res));
  const upgrades = new UpgradeRoutes({ ws, pty: ptyWs, env, allowedOrigins, hostPolicy });
  server.on('upgrade', (req, socket, head) => upgrades.handle(req, socket, head));
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULTS.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const base = `${formatHost(host)}:${port}`;
  const secure = options.tls !== undefined;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const grace = options.shutdownGraceMs ?? DEFAULTS.shutdownGraceMs;
      const abortWait = options.shutdownAbortWaitMs ?? DEFAULTS.shutdownAbortWaitMs;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Terminals first: their streams end with them instead of holding the grace period.
      await ptySessions.close();
      ptyWs.close();
      await mcp.close();
      // Every transport: answer within the grace, then abort what still runs and wait (bounded)
      // for it to stop, so no command's process tree outlives the server.
      await Promise.all([ws.close(grace, abortWait), http.drain(grace, abortWait)]);
      server.closeAllConnections();
      await Promise.all([closed, desktop.close(), browser.close()]);
    })();
    return closing;
  };

  return {
    host,
    port,
    url: `${secure ? 'wss' : 'ws'}://${base}/ws`,
    httpUrl: `${secure ? 'https' : 'http'}://${base}`,
    server,
    authSummary,
    close,
  };
}
