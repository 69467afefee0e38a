#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { AUTH_MODES, type AuthMode } from './auth/config.js';
import { SERVER_SECRET_ENV_NAMES } from './system/child-secrets.js';
import { parseKeysFile } from './auth/local-keys-verifier.js';
import { createLogger, type LogLevel } from './logger.js';
import { PACKAGE_VERSION } from './package-info.js';
import { fixMallocMmapThreshold } from './system/native-memory.js';
import { reclaimMemory } from './system/reclaim-memory.js';
import { startVirtualDisplay, type VirtualDisplay } from './desktop/xvfb.js';
import type { DesktopBackend } from './desktop/create-desktop.js';
import { addDesktopOptions, port, seconds, size } from './cli-options.js';
import { authSettingsFromEnv, DEFAULTS, startComputerServer } from './server.js';

// `computer-server mcp [options]`: the tools over MCP on stdio, no port; runs until stdin ends.
if (process.argv[2] === 'mcp') {
  // Loaded only here: the HTTP server should not map the MCP SDK until someone asks for /mcp.
  const { runMcpCommand } = await import('./transports/mcp-stdio.js');
  await runMcpCommand(process.argv.slice(3));
}

const program = new Command()
  .name('computer-server')
  .description('Computer Server: lets computer-use agents see and drive this desktop.')
  .version(PACKAGE_VERSION)
  .option('--host <host>', 'address to bind (env CUA_HOST)', process.env.CUA_HOST ?? DEFAULTS.host)
  .option(
    '--port <port>',
    'port to listen on; 0 picks a free one (env CUA_PORT)',
    port,
    process.env.CUA_PORT ? port(process.env.CUA_PORT) : DEFAULTS.port,
  )
  .option(
    '--command-timeout <seconds>',
    'longest any command may run',
    seconds,
    DEFAULTS.commandTimeoutMs / 1000,
  )
  .option(
    '--shutdown-grace <seconds>',
    'on SIGTERM/SIGINT, how long requests in flight may finish before they are aborted',
    seconds,
    DEFAULTS.shutdownGraceMs / 1000,
  )
  .addOption(
    new Option(
      '--auth <mode>',
      'auto: on when CONTAINER_NAME or API keys are set; none; container (remote check); keys',
    )
      .choices(AUTH_MODES)
      .default(process.env.CUA_AUTH ?? 'auto'),
  )
  .option(
    '--container-name <name>',
    'the container name clients must present (env CONTAINER_NAME)',
    process.env.CONTAINER_NAME,
  )
  .option(
    '--auth-base-url <url>',
    'key verification service (env CUA_BASE_URL_AUTH)',
    process.env.CUA_BASE_URL_AUTH,
  )
  .option(
    '--api-key <key...>',
    'accepted API key(s); visible in ps, prefer CUA_API_KEYS or --api-keys-file',
  )
  .option(
    '--api-keys-file <path>',
    'file with one accepted API key per line (env CUA_API_KEYS_FILE)',
    process.env.CUA_API_KEYS_FILE,
  )
  .option(
    '--allow-origin <origin...>',
    'browser origins allowed to connect (e.g. http://localhost:5173)',
  )
  .option(
    '--allowed-host <name...>',
    'host names to answer besides IP literals and localhost, when bound to loopback (DNS ' +
      'rebinding protection; env CUA_ALLOWED_HOSTS, comma-separated)',
  )
  .option(
    '--max-reply-bytes <size>',
    'largest reply; bigger ones fail with reply_too_large',
    size,
    DEFAULTS.maxReplyBytes,
  )
  .option(
    '--connection-budget-bytes <size>',
    'memory one connection may hold (queued requests, reads, unsent replies)',
    size,
    DEFAULTS.connectionBudgetBytes,
  )
  .option(
    '--server-budget-bytes <size>',
    'the same for all connections together',
    size,
    DEFAULTS.serverBudgetBytes,
  )
  .option('--ssl-keyfile <path>', 'TLS private key: serve wss:// and https://')
  .option('--ssl-certfile <path>', 'TLS certificate chain (with --ssl-keyfile)');
addDesktopOptions(
  program,
  'start a virtual display (Xvfb + openbox) for this server and stop it on exit',
)
  .option(
    '--log-level <level>',
    'fatal, error, warn, info, debug, trace or silent (env CUA_LOG_LEVEL)',
    process.env.CUA_LOG_LEVEL ?? 'info',
  )
  .addHelpText(
    'after',
    '\nCommands:\n  mcp [options]  serve the same tools over MCP on stdio, for desktop MCP hosts ' +
      '(computer-server mcp --help)',
  )
  .showHelpAfterError();

program.parse();
const opts = program.opts<{
  host: string;
  port: number;
  commandTimeout: number;
  shutdownGrace: number;
  logLevel: LogLevel;
  auth: AuthMode;
  containerName?: string;
  authBaseUrl?: string;
  apiKey?: string[];
  apiKeysFile?: string;
  allowOrigin?: string[];
  allowedHost?: string[];
  maxReplyBytes: number;
  connectionBudgetBytes: number;
  serverBudgetBytes: number;
  sslKeyfile?: string;
  sslCertfile?: string;
  display?: string;
  backend: DesktopBackend;
  xvfb?: boolean;
  screenSize: { width: number; height: number };
}>();
const logger = createLogger(opts.logLevel);
// Before the first large buffer: see system/native-memory.ts.
fixMallocMmapThreshold();

let virtualDisplay: VirtualDisplay | undefined;
try {
  if (opts.xvfb) {
    virtualDisplay = await startVirtualDisplay(opts.screenSize);
    // Child processes (run_command, launch, X tools) see the same desktop.
    process.env.DISPLAY = virtualDisplay.display;
    logger.info({ display: virtualDisplay.display, ...opts.screenSize }, 'virtual display started');
  }
  const display = virtualDisplay?.display ?? opts.display;
  if (Boolean(opts.sslKeyfile) !== Boolean(opts.sslCertfile)) {
    throw new Error('--ssl-keyfile and --ssl-certfile go together');
  }
  const apiKeys = [
    ...authSettingsFromEnv().apiKeys!,
    ...(opts.apiKey ?? []),
    ...(opts.apiKeysFile ? parseKeysFile(readFileSync(opts.apiKeysFile, 'utf8')) : []),
  ];
  // Read once; from here on no child (run_command, launched apps, desktop tools) inherits them.
  for (const name of SERVER_SECRET_ENV_NAMES) delete process.env[name];
  const allowedHosts = [
    ...(process.env.CUA_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean),
    ...(opts.allowedHost ?? []),
  ];
  const server = await startComputerServer({
    host: opts.host,
    port: opts.port,
    commandTimeoutMs: opts.commandTimeout * 1000,
    shutdownGraceMs: opts.shutdownGrace * 1000,
    logger,
    ...(display ? { display } : {}),
    backend: opts.backend,
    auth: {
      mode: opts.auth,
      containerName: opts.containerName,
      authBaseUrl: opts.authBaseUrl,
      apiKeys,
    },
    ...(opts.allowOrigin ? { allowOrigins: opts.allowOrigin } : {}),
    allowedHosts,
    maxReplyBytes: opts.maxReplyBytes,
    connectionBudgetBytes: opts.connectionBudgetBytes,
    serverBudgetBytes: opts.serverBudgetBytes,
    onLoadDrained: reclaimMemory,
    ...(opts.sslKeyfile && opts.sslCertfile
      ? { tls: { key: readFileSync(opts.sslKeyfile), cert: readFileSync(opts.sslCertfile) } }
      : {}),
  });
  logger.info({ url: server.url, http: server.httpUrl, auth: server.authSummary }, 'listening');
  // People and scripts read this line to find the port (e.g. with --port 0) and the auth mode.
  const screen = display
    ? `display ${display}${virtualDisplay ? ' (virtual)' : ''}, ${opts.backend} backend`
    : 'no display';
  process.stdout.write(
    `Computer Server listening on ${server.url} (HTTP ${server.httpUrl}); ${server.authSummary}; ${screen}\n`,
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server
      .close()
      .then(() => virtualDisplay?.stop())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (err) {
  await virtualDisplay?.stop();
  logger.fatal({ err }, 'could not start');
  process.stderr.write(`computer-server: ${(err as Error).message}\n`);
  process.exit(1);
}
