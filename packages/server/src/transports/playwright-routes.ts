import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpStatusOf, type ErrorCode } from '@cua/computer-protocol';
import { CommandError } from '../core/command-error.js';
import { LIMITS } from '../core/limits.js';
import { HttpError, methodNotAllowed, readBody, type HttpRoute } from './http.js';
import {
  isPlaywrightCommand,
  PLAYWRIGHT_COMMANDS,
  runPlaywrightCommand,
} from './playwright-actions.js';
import type { BrowserHost } from './playwright-browser.js';

export interface PlaywrightRouteOptions {
  browser: BrowserHost;
  webSearchUrl: string;
}

/**
 * `POST /playwright_exec` `{"command", "params"}`: upstream's browser commands, authenticated as
 * `/cmd`. A success is HTTP 200 with upstream's JSON. A failure is `{"success": false, "error",
 * "code"}` with the status of its code (400 for a bad request, command or params, 500 when the
 * browser fails the action, 501 without a browser, 504 on a timeout) — never upstream's
 * `500 {"detail": "400: …"}` wrapping. Upstream's Python client turns any non-200 reply into
 * `{"success": false, "error": <body>}`, so it sees these failures as it sees upstream's.
 * Commands run one at a time: there is one page.
 */
export class PlaywrightRoutes implements HttpRoute {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: PlaywrightRouteOptions) {}

  matches(path: string): boolean {
    return path === '/playwright_exec';
  }

  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: { path: string; authenticate: () => Promise<void> },
  ): Promise<void> {
    if (req.method !== 'POST') throw methodNotAllowed(['POST']);
    await ctx.authenticate();
    try {
      const body = await readJson(req);
      const { command, params } = body;
      if (typeof command !== 'string' || command === '') {
        throw new CommandError('invalid_request', 'Command is required');
      }
      if (!isPlaywrightCommand(command)) {
        throw new CommandError(
          'unknown_command',
          `Unknown command: ${command.slice(0, 200)} (one of ${PLAYWRIGHT_COMMANDS.join(', ')})`,
        );
      }
      if (params !== undefined && params !== null && !isObject(params)) {
        throw new CommandError('invalid_params', 'params must be an object');
      }
      const run = this.queue.then(async () =>
        runPlaywrightCommand(await this.options.browser.page(), command, params ?? {}, {
          webSearchUrl: this.options.webSearchUrl,
        }),
      );
      this.queue = run.catch(() => undefined);
      sendJson(res, 200, await run);
    } catch (err) {
      if (err instanceof HttpError) throw err;
      const code: ErrorCode = err instanceof CommandError ? err.code : 'internal';
      const error = err instanceof Error ? err.message : String(err);
      sendJson(res, httpStatusOf(code), { success: false, error, code });
    }
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req, LIMITS.maxSideRouteBodyBytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CommandError('invalid_json', `Invalid JSON body: ${(err as Error).message}`);
  }
  if (!isObject(value)) throw new CommandError('invalid_json', 'Invalid JSON body: not an object');
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
