#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { createLogger, type LogLevel } from './logger.js';
import { PACKAGE_VERSION } from './package-info.js';
import { DEFAULTS, startComputerServer } from './server.js';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port 0..65535');
  return n;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a positive number of seconds');
  return n;
}

const program = new Command()
  .name('computer-server')
  .description('Computer Server: lets computer-use agents see and drive this desktop.')
  .version(PACKAGE_VERSION)
  .option('--host <host>', 'address to bind (env CUA_HOST)', process.env.CUA_HOST ?? DEFAULTS.host)
  .option('--port <port>', 'port to listen on; 0 picks a free one (env CUA_PORT)', port, process.env.CUA_PORT ? port(process.env.CUA_PORT) : DEFAULTS.port)
  .option('--command-timeout <seconds>', 'longest any command may run', seconds, DEFAULTS.commandTimeoutMs / 1000)
  .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (env CUA_LOG_LEVEL)', process.env.CUA_LOG_LEVEL ?? 'info')
  .showHelpAfterError();

program.parse();
const opts = program.opts<{ host: string; port: number; commandTimeout: number; logLevel: LogLevel }>();
const logger = createLogger(opts.logLevel);

try {
  const server = await startComputerServer({
    host: opts.host,
    port: opts.port,
    commandTimeoutMs: opts.commandTimeout * 1000,
    logger,
  });
  logger.info({ url: server.url, http: server.httpUrl }, 'listening');
  // People and scripts read this line to find the port (e.g. with --port 0).
  process.stdout.write(`Computer Server listening on ${server.url} (HTTP ${server.httpUrl})\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close().then(
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
  logger.fatal({ err }, 'could not start');
  process.stderr.write(`computer-server: ${(err as Error).message}\n`);
  process.exit(1);
}
