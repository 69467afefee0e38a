import type { IncomingMessage, ServerResponse } from 'node:http';
import { CommandError } from '../core/command-error.js';
import { LIMITS } from '../core/limits.js';
import { decodeStrictBase64 } from '../files/strict-base64.js';
import { HttpError, methodNotAllowed, notFound, readBody, type HttpRoute } from './http.js';
import type { PtySession } from './pty-session.js';
import type { PtyCreateRequest, PtySessions } from './pty-sessions.js';
import { streamSession } from './pty-sse.js';

const MAX_TERMINAL_CELLS = 1000;

/**
 * Upstream's terminal routes (docs/protocol.md, Other routes), with its shapes and statuses:
 * `POST /pty`, `GET`/`DELETE /pty/{pid}`, `POST /pty/{pid}/stdin`, `POST /pty/{pid}/resize` and
 * `GET /pty/{pid}/stream`. Every one is authenticated as `/cmd` is.
 */
export class PtyRoutes implements HttpRoute {
  constructor(private readonly sessions: PtySessions) {}

  matches(path: string): boolean {
    return path === '/pty' || path.startsWith('/pty/');
  }

  async handle(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: { path: string; authenticate: () => Promise<void> },
  ): Promise<void> {
    const match = /^\/pty(?:\/(\d{1,10})(?:\/(stdin|resize|stream))?)?$/.exec(ctx.path);
    if (!match) throw notFound();
    const [, pidText, action] = match;
    const method = req.method ?? 'GET';
    const allowed =
      pidText === undefined
        ? ['POST']
        : action === undefined
          ? ['GET', 'DELETE']
          : action === 'stream'
            ? ['GET']
            : ['POST'];
    if (!allowed.includes(method)) throw methodNotAllowed(allowed);
    await ctx.authenticate();
    try {
      if (pidText === undefined) return sendJson(res, 200, await this.create(req));
      const pid = Number(pidText);
      if (method === 'DELETE') {
        const killed = await this.sessions.delete(pid);
        if (killed === undefined) throw sessionNotFound(pid);
        return sendJson(res, 200, { killed });
      }
      const session = this.sessions.get(pid);
      if (!session) throw sessionNotFound(pid);
      session.touch();
      if (action === undefined) return sendJson(res, 200, session.info());
      if (action === 'stream') {
        const url = new URL(req.url ?? '/', 'http://localhost');
        return await streamSession(session, req, res, {
          replay: !/^(0|false|no)$/i.test(url.searchParams.get('scrollback') ?? ''),
          maxBufferedBytes: this.sessions.limits.subscriberBufferBytes,
        });
      }
      const body = await readObject(req);
      if (action === 'stdin') return sendJson(res, 200, stdin(session, body));
      return sendJson(res, 200, resize(session, body));
    } catch (err) {
      if (err instanceof CommandError) {
        throw new HttpError(err.code, err.message);
      }
      throw err;
    }
  }

  private async create(req: IncomingMessage): Promise<{ pid: number; cols: number; rows: number }> {
    // Upstream treats a body that is not JSON as `{}`.
    let body: Record<string, unknown>;
    try {
      body = await readObject(req);
    } catch (err) {
      if (err instanceof HttpError && err.code === 'invalid_json') body = {};
      else throw err;
    }
    const request: PtyCreateRequest = {
      command: optionalString(body, 'command'),
      cols: cells(body, 'cols', 80),
      rows: cells(body, 'rows', 24),
      cwd: optionalString(body, 'cwd'),
      envs: envs(body.envs),
    };
    const session = await this.sessions.create(request);
    return session.info();
  }
}

function stdin(session: PtySession, body: Record<string, unknown>): { ok: true } {
  if (typeof body.data !== 'string') {
    throw new CommandError('invalid_params', 'data: a base64 string is required');
  }
  session.write(decodeStrictBase64(body.data, 'data'));
  return { ok: true };
}

function resize(session: PtySession, body: Record<string, unknown>): { ok: true } {
  session.resize(cells(body, 'cols', 80), cells(body, 'rows', 24));
  return { ok: true };
}

function sessionNotFound(pid: number): HttpError {
  return notFound(`PTY session ${pid} not found`);
}

async function readObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req, LIMITS.maxSideRouteBodyBytes);
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new HttpError('invalid_json', `Invalid JSON body: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError('invalid_json', 'Invalid JSON body: expected an object');
  }
  return value as Record<string, unknown>;
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new CommandError('invalid_params', `${key}: a non-empty string or null is expected`);
  }
  return value;
}

/** Terminal columns or rows: an integer 1..1000 (null or absent: upstream's default). */
export function cells(body: Record<string, unknown>, key: string, fallback: number): number {
  const value = body[key];
  if (value === undefined || value === null) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 1 ||
    value > MAX_TERMINAL_CELLS
  ) {
    throw new CommandError(
      'invalid_params',
      `${key}: an integer from 1 to ${MAX_TERMINAL_CELLS} is expected`,
    );
  }
  return value;
}

function envs(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new CommandError('invalid_params', 'envs: an object of strings is expected');
  }
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (typeof item !== 'string' || key === '' || key.includes('=') || key.includes('\0')) {
      throw new CommandError('invalid_params', `envs: ${JSON.stringify(key)} must map to a string`);
    }
    out[key] = item;
  }
  return out;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
