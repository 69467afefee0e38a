import type { IncomingMessage, ServerResponse } from 'node:http';
import { setMaxListeners } from 'node:events';
import {
  describeCommands,
  httpStatusOf,
  parseRequestFrame,
  type ErrorCode,
  type RequestFrameFailure,
} from '@cua/computer-protocol';
import type { Authenticator } from '../auth/authenticator.js';
import type { Dispatcher, ReplyBody } from '../core/dispatcher.js';
import { withId } from '../core/dispatcher.js';
import type { SessionState } from '../handlers/types.js';
import { describeBytes } from '../core/limits.js';
import type { MemoryBudget } from '../core/memory-budget.js';
import { encodeReply } from '../core/reply-encoding.js';
import {
  hostAllowed,
  originAllowed,
  UNAVAILABLE_DETAIL,
  unavailableStatus,
  type HostPolicy,
} from './security.js';
import type { PreAuthSlot, PreAuthSlots } from './pre-auth-slots.js';

export interface HttpTransportOptions {
  dispatcher: Dispatcher;
  maxPayloadBytes: number;
  maxReplyBytes: number;
  osType: string;
  authenticator?: Authenticator | undefined;
  /** Read per request for the availability gate. */
  env: NodeJS.ProcessEnv;
  allowedOrigins: ReadonlySet<string>;
  /** Which Host headers are answered (DNS rebinding); undefined: any. */
  hostPolicy: HostPolicy | undefined;
  serverBudget: MemoryBudget;
  /** Requests not yet authenticated, shared with `/ws`. */
  preAuth: PreAuthSlots;
  /** More routes (`/pty*`, `/mcp`, `/playwright_exec`), behind the same Host, gate and Origin checks. */
  routes?: readonly HttpRoute[] | undefined;
  /** What `GET /status` lists in `features`. */
  statusFeatures?: readonly string[] | undefined;
}

/** A route served beside `/cmd`; `authenticate` checks credentials exactly as `/cmd` does. */
export interface HttpRoute {
  matches(path: string): boolean;
  handle(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: { path: string; authenticate: () => Promise<void> },
  ): Promise<void>;
}

/** A failure answered with `{detail, code}`; its status is the code's, from the protocol's table. */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    options: {
      /** Only where upstream answers otherwise than the table (say why at the call). */
      status?: number;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(detail);
    this.status = options.status ?? httpStatusOf(code);
    this.headers = options.headers ?? {};
  }
}

/** Upstream's (Starlette's) answer to a known route asked with another method. */
export function methodNotAllowed(allowed: readonly string[]): HttpError {
  return new HttpError('method_not_allowed', 'Method Not Allowed', {
    headers: { allow: allowed.join(', ') },
  });
}

export function notFound(detail = 'Not Found'): HttpError {
  return new HttpError('not_found', detail);
}

const CORS_HEADERS = {
  'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
  'access-control-allow-headers': 'content-type, x-api-key, x-container-name',
  'access-control-max-age': '600',
};

/** `POST /cmd`, `GET /status`, `GET /commands`, with upstream's bodies and statuses. */
export class HttpTransport {
  private commandsBody: string | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  /** One per `/cmd` command running: shutdown aborts them. */
  private readonly running = new Set<AbortController>();

  constructor(private readonly options: HttpTransportOptions) {}

  handle(req: IncomingMessage, res: ServerResponse): void {
    const done = this.route(req, res);
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }

  /**
   * Waits (at most graceMs) for requests being answered, then aborts the commands still running
   * (their process trees die with them) and waits up to abortWaitMs for their replies.
   */
  async drain(graceMs: number, abortWaitMs: number): Promise<void> {
    const all = () => Promise.allSettled([...this.inFlight]);
    await Promise.race([all(), delay(graceMs)]);
    for (const controller of this.running) controller.abort(new Error('server shutting down'));
    await Promise.race([all(), delay(abortWaitMs)]);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (!hostAllowed(req.headers.host, this.options.hostPolicy)) {
        throw new HttpError('forbidden_origin', hostRefusal(req.headers.host));
      }
      const unavailable = unavailableStatus(this.options.env);
      if (unavailable !== undefined) {
        // The deployment picks the status (docs/protocol.md, Availability gate), as upstream
        // lets it.
        throw new HttpError('service_unavailable', UNAVAILABLE_DETAIL, { status: unavailable });
      }
      if (!originAllowed(req.headers, this.options.allowedOrigins)) {
        throw new HttpError('forbidden_origin', 'Origin not allowed');
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
      const route = this.options.routes?.find((r) => r.matches(path ?? '/'));
      if (route) {
        const ctx = { path: path ?? '/', authenticate: () => this.authenticate(req, res) };
        return await route.handle(req, res, ctx);
      }
      throw notFound();
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
      sendJson(res, httpStatusOf('internal'), {
        detail: 'Internal Server Error',
        code: 'internal',
      });
    }
  }

  private async onlyMethod(req: IncomingMessage, method: string, run: () => Promise<void> | void) {
    if (req.method !== method) throw methodNotAllowed([method]);
    await run();
  }

  private status(res: ServerResponse): void {
    sendJson(res, 200, {
      status: 'ok',
      os_type: this.options.osType,
      features: [...(this.options.statusFeatures ?? [])],
    });
  }

  private commands(res: ServerResponse): void {
    this.commandsBody ??= JSON.stringify(describeCommands());
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(this.commandsBody);
  }

  /**
   * With auth on, credentials are checked from the headers before a byte of the body is read:
   * a client nobody knows cannot make the server buffer 16 MiB bodies. (Upstream checks the body
   * first; the statuses and `detail` texts are the same.) A failure is answered after the
   * throttle's delay.
   */
  private async authenticate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { authenticator, preAuth } = this.options;
    if (!authenticator) return;
    const address = req.socket.remoteAddress ?? 'unknown';
    const slot: PreAuthSlot | undefined = preAuth.acquire(address);
    if (slot === undefined) {
      throw new HttpError(
        'rate_limited',
        'Too many requests are waiting for authentication; try again in 1s',
        // The body was never read: the connection cannot carry another request.
        { headers: { 'retry-after': '1', connection: 'close' } },
      );
    }
    try {
      const outcome = await authenticator.checkHeaders(
        req.headers['x-container-name'],
        req.headers['x-api-key'],
        address,
      );
      if (outcome.ok) return;
      if (outcome.delayMs > 0) {
        slot.park(() => res.destroy());
        await delay(outcome.delayMs);
      }
      throw new HttpError(outcome.code, outcome.message, { headers: { connection: 'close' } });
    } finally {
      slot.release();
    }
  }

  /**
   * One command per request. The body is always exactly one `data: <json>\n\n` event: the
   * Python client parses everything after the first `data: ` as one JSON document.
   */
  private async cmd(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await this.authenticate(req, res);
    const budget = this.options.serverBudget;
    // A request costs its body twice over (bytes, then text) until it is answered.
    let held = 0;
    const hold = async (bytes: number, signal: AbortSignal) => {
      await budget.reserve(bytes, signal);
      held += bytes;
    };
    const controller = new AbortController();
    setMaxListeners(0, controller.signal);
    // A client that hangs up mid-command aborts it (e.g. kills its shell process).
    res.on('close', () => {
      if (!res.writableFinished) controller.abort(new Error('client disconnected'));
    });
    this.running.add(controller);
    try {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > 0 && declared <= this.options.maxPayloadBytes) {
        await hold(2 * declared, controller.signal);
      }
      // A body of unannounced length (chunked) is counted as it arrives.
      const counted =
        declared > 0
          ? undefined
          : (bytes: number) => {
              budget.add('held', 2 * bytes);
              held += 2 * bytes;
            };
      const text = await readBody(req, this.options.maxPayloadBytes, counted);
      const request = parseRequestFrame(text);
      if (!request.ok) throw new HttpError(request.code, cmdRefusal(request));
      const session: SessionState = {};
      const reply: ReplyBody = await this.options.dispatcher.dispatch(
        { command: request.command, params: request.params },
        { signal: controller.signal, session, reserveMemory: hold },
      );
      // The name is resolved before anything runs: upstream refuses it with 400, not in a reply.
      if (reply.code === 'unknown_command') {
        throw new HttpError('unknown_command', String(reply.error));
      }
      const { text: json, bytes } = encodeReply(
        withId(reply, request.id),
        this.options.maxReplyBytes,
      );
      // The encoded reply replaces what it was built from until it has been written.
      budget.add('held', bytes);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        budget.release('held', bytes);
      };
      res.once('finish', release);
      res.once('close', release);
      res.writeHead(200, {
        'content-type': 'text/plain; charset=utf-8',
        'cache-control': 'no-cache',
      });
      res.end(`data: ${json}\n\n`);
    } finally {
      this.running.delete(controller);
      if (held > 0) budget.release('held', held);
    }
  }
}

/**
 * `POST /cmd`'s wording of a refused body, upstream's where upstream has one (docs/protocol.md,
 * POST /cmd).
 */
function cmdRefusal(request: RequestFrameFailure): string {
  switch (request.reason) {
    case 'not_json':
      return `Invalid JSON body: ${request.jsonError ?? request.error}`;
    case 'not_object':
      return `Invalid JSON body: ${request.error}`;
    case 'no_command':
      return 'Command is required';
    default:
      return request.error;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function hostRefusal(host: string | undefined): string {
  return (
    `Host ${JSON.stringify(host ?? '')} is not allowed: this server answers only its own ` +
    'address and localhost (a page on another site may be rebinding its name to this ' +
    'machine); start it with --allowed-host <name> to add a name'
  );
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function readBody(
  req: IncomingMessage,
  limit: number,
  onChunk?: (bytes: number) => void,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    const tooLarge = () =>
      new HttpError('payload_too_large', `Request body larger than ${describeBytes(limit)}`);
    if (declared > limit) {
      reject(tooLarge());
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(tooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
      onChunk?.(chunk.length);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
