import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeCommands, type ErrorCode } from '@cua/computer-protocol';
import type { Authenticator } from '../auth/authenticator.js';
import type { Dispatcher, ReplyBody } from '../dispatcher.js';
import { withId } from '../dispatcher.js';
import type { SessionState } from '../handlers/types.js';
import { parseRequest } from '../request.js';
import { originAllowed, UNAVAILABLE_DETAIL, unavailableStatus } from '../security.js';

export interface HttpTransportOptions {
  dispatcher: Dispatcher;
  maxPayloadBytes: number;
  osType: string;
  authenticator?: Authenticator | undefined;
  /** Read per request for the availability gate. */
  env: NodeJS.ProcessEnv;
  allowedOrigins: ReadonlySet<string>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly code: ErrorCode,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

const CORS_HEADERS = {
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'content-type, x-api-key, x-container-name',
  'access-control-max-age': '600',
};

/** `POST /cmd`, `GET /status`, `GET /commands`, with upstream's bodies and statuses. */
export class HttpTransport {
  private commandsBody: string | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: HttpTransportOptions) {}

  handle(req: IncomingMessage, res: ServerResponse): void {
    const done = this.route(req, res);
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }

  /** Waits (at most graceMs) for requests being answered. */
  async drain(graceMs: number): Promise<void> {
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    try {
      const unavailable = unavailableStatus(this.options.env);
      if (unavailable !== undefined)
        throw new HttpError(unavailable, UNAVAILABLE_DETAIL, 'service_unavailable');
      if (!originAllowed(req.headers, this.options.allowedOrigins)) {
        throw new HttpError(403, 'Origin not allowed', 'forbidden_origin');
      }
      if (req.headers.origin !== undefined) {
        // Only allow-listed origins get here; never a wildcard, never credentials.
        res.setHeader('access-control-allow-origin', req.headers.origin);
        res.setHeader('vary', 'Origin');
        if (req.method === 'OPTIONS') {
          res.writeHead(204, CORS_HEADERS);
          res.end();
          return;
        }
      }
      if (path === '/cmd') return await this.onlyMethod(req, 'POST', () => this.cmd(req, res));
      if (path === '/status') return await this.onlyMethod(req, 'GET', () => this.status(res));
      if (path === '/commands') return await this.onlyMethod(req, 'GET', () => this.commands(res));
      throw new HttpError(404, 'Not Found', 'not_found');
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) {
        for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
        sendJson(res, err.status, { detail: err.detail, code: err.code });
        return;
      }
      sendJson(res, 500, { detail: 'Internal Server Error', code: 'internal' });
    }
  }

  private async onlyMethod(req: IncomingMessage, method: string, run: () => Promise<void> | void) {
    if (req.method !== method) throw new HttpError(405, 'Method Not Allowed', 'invalid_request');
    await run();
  }

  private status(res: ServerResponse): void {
    sendJson(res, 200, { status: 'ok', os_type: this.options.osType, features: [] });
  }

  private commands(res: ServerResponse): void {
    this.commandsBody ??= JSON.stringify(describeCommands());
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(this.commandsBody);
  }

  /** Auth comes after the body checks and before the command lookup, in upstream's order. */
  private async authenticate(req: IncomingMessage): Promise<void> {
    const { authenticator } = this.options;
    if (!authenticator) return;
    const outcome = await authenticator.checkHeaders(
      req.headers['x-container-name'],
      req.headers['x-api-key'],
      req.socket.remoteAddress ?? 'unknown',
    );
    if (outcome.ok) return;
    if (outcome.code === 'rate_limited') {
      const retryAfter = String(Math.ceil((outcome.retryAfterMs ?? 1000) / 1000));
      throw new HttpError(429, outcome.message, outcome.code, { 'retry-after': retryAfter });
    }
    throw new HttpError(401, outcome.message, outcome.code);
  }

  /**
   * One command per request. The body is always exactly one `data: <json>\n\n` event: the
   * Python client parses everything after the first `data: ` as one JSON document.
   */
  private async cmd(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req, this.options.maxPayloadBytes);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new HttpError(400, `Invalid JSON body: ${(err as Error).message}`, 'invalid_json');
    }
    const request = parseRequest(value);
    if (!request.ok) {
      const detail =
        request.reason === 'no_command'
          ? 'Command is required'
          : request.reason === 'not_object'
            ? `Invalid JSON body: ${request.error}`
            : request.error;
      throw new HttpError(400, detail, request.code);
    }
    await this.authenticate(req);
    const resolved = this.options.dispatcher.resolve(request.command);
    if (!resolved.ok) throw new HttpError(400, String(resolved.reply.error), 'unknown_command');

    // A client that hangs up mid-command aborts it (e.g. kills its shell process).
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort(new Error('client disconnected'));
    });
    const session: SessionState = {};
    const reply: ReplyBody = await this.options.dispatcher.dispatch(
      { command: request.command, params: request.params },
      { signal: controller.signal, session },
    );
    res.writeHead(200, {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-cache',
    });
    res.end(`data: ${JSON.stringify(withId(reply, request.id))}\n\n`);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new HttpError(413, `Request body larger than ${limit} bytes`, 'payload_too_large'));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, `Request body larger than ${limit} bytes`, 'payload_too_large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
