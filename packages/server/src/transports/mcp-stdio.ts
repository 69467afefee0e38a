import { Command } from 'commander';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { SERVER_SECRET_ENV_NAMES } from '../system/child-secrets.js';
import { Dispatcher } from '../core/dispatcher.js';
import { addDesktopOptions, seconds } from '../cli-options.js';
import { createDesktop } from '../desktop/create-desktop.js';
import type { DesktopBackend } from '../desktop/create-desktop.js';
import { resolveDisplay } from '../desktop/display.js';
import { startVirtualDisplay, type VirtualDisplay } from '../desktop/xvfb.js';
import { createHandlers } from '../handlers/index.js';
import { createLogger, type LogLevel } from '../logger.js';
import { createMcpServer } from './mcp-tools.js';

interface McpCommandOptions {
  display?: string;
  xvfb?: boolean;
  screenSize: { width: number; height: number };
  backend: DesktopBackend;
  commandTimeout: number;
  logLevel: LogLevel;
}

/**
 * `computer-server mcp`: the same tools as `/mcp`, over stdio, for desktop MCP hosts (Claude
 * Desktop, Cursor, VS Code) that start the server themselves. It opens no network port at all:
 * whoever can start it could already act as this user. stdout carries only MCP messages; logs go
 * to stderr. Never returns: the process ends when the host closes stdin or on SIGINT/SIGTERM.
 */
export async function runMcpCommand(argv: readonly string[]): Promise<never> {
  const program = addDesktopOptions(
    new Command()
      .name('computer-server mcp')
      .description('Serve the Computer Server tools over MCP on stdin/stdout (no network port).'),
    'start a virtual display (Xvfb + openbox) and stop it on exit',
  )
    .option('--command-timeout <seconds>', 'longest any tool call may run', seconds, 600)
    .option(
      '--log-level <level>',
      'on stderr: fatal, error, warn, info, debug, trace or silent (env CUA_LOG_LEVEL)',
      process.env.CUA_LOG_LEVEL ?? 'warn',
    )
    .showHelpAfterError();
  program.parse([...argv], { from: 'user' });
  const opts = program.opts<McpCommandOptions>();
  const logger = createLogger(opts.logLevel);
  for (const name of SERVER_SECRET_ENV_NAMES) delete process.env[name];

  let virtualDisplay: VirtualDisplay | undefined;
  try {
    if (opts.xvfb) {
      virtualDisplay = await startVirtualDisplay(opts.screenSize);
      process.env.DISPLAY = virtualDisplay.display;
    }
    const display = resolveDisplay(virtualDisplay?.display ?? opts.display);
    const desktop = createDesktop({ display, logger, backend: opts.backend });
    const dispatcher = new Dispatcher({
      handlers: createHandlers({ desktop, ...(display ? { display } : {}) }),
      commandTimeoutMs: opts.commandTimeout * 1000,
      logger,
    });
    const server = createMcpServer(dispatcher);
    let stopping = false;
    const stop = async (why: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ why }, 'mcp server stopping');
      await server.close().catch(() => undefined);
      await desktop.close().catch(() => undefined);
      await virtualDisplay?.stop();
      process.exit(0);
    };
    server.onclose = () => void stop('stdio closed');
    process.stdin.on('end', () => void stop('stdin ended'));
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
    await server.connect(new StdioServerTransport());
    logger.info({ display }, 'mcp server on stdio');
  } catch (err) {
    await virtualDisplay?.stop();
    process.stderr.write(`computer-server mcp: ${(err as Error).message}\n`);
    process.exit(1);
  }
  return new Promise<never>(() => undefined);
}
