import { readReplyEnvelope } from '@cua/computer-protocol/wire';
import { abortError } from './call-options.js';
import { AuthenticationError, ConnectionError, CuaClientError, TimeoutError } from './errors.js';
import { readRefusal, refusalError } from './http-failure.js';
import { parseReply } from './reply-parsing.js';
import {
  announcedFeatures,
  credentialHeaders,
  type ConnectionState,
  type Credentials,
  type RawReply,
  type RequestOptions,
  type Transport,
} from './transport.js';

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

export interface HttpTransportOptions {
  /** The server's base URL, e.g. `http://127.0.0.1:8000`; calls go to `${baseUrl}/cmd`. */
  baseUrl: string;
  fetch: FetchLike;
  timeoutMs: number;
  credentials?: Credentials | undefined;
}

/**
 * Each call is one `POST /cmd`, for environments without WebSocket. Independent requests need
 * neither ids nor ordering; the price is a round trip (and, on cloud servers, a key check) each.
 */
export class HttpTransport implements Transport {
  private current: ConnectionState = 'idle';
  private readonly inFlight = new Set<(error: Error) => void>();
  features: readonly string[] = [];
  readonly endpoint: string;

  constructor(private readonly options: HttpTransportOptions) {
    this.endpoint = `${options.baseUrl.replace(/\/+$/, '')}/cmd`;
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** Asks for `version`, which also checks the credentials. */
  async connect(): Promise<void> {
    parseReply('version', await this.request('version', undefined));
  }

  /** `onEvent` is never called: a `/cmd` body is exactly one event, the reply. */
  async request(
    command: string,
    params: object | undefined,
    options: RequestOptions = {},
  ): Promise<RawReply> {
    if (this.current === 'closed') throw new ConnectionError('The connection was closed');
    const { signal } = options;
    if (signal?.aborted) throw abortError(signal);
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const controller = new AbortController();
    let failure: Error | undefined;
    const fail = (error: Error) => {
      failure ??= error;
      controller.abort(error);
    };
    const timer = setTimeout(
      () => fail(new TimeoutError(`${command} got no reply within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onAbort = () => fail(abortError(signal));
    signal?.addEventListener('abort', onAbort, { once: true });
    this.inFlight.add(fail);
    try {
      const response = await this.options.fetch(this.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...credentialHeaders(this.options.credentials),
        },
        body: JSON.stringify({ command, ...(params ? { params } : {}) }),
        signal: controller.signal,
      });
      const text = await response.text();
      if (!response.ok) throw httpFailure(command, response.status, text);
      const reply = parseEvent(text);
      if (command === 'version' && readReplyEnvelope(reply).kind === 'success') {
        this.features = announcedFeatures(reply);
      }
      if (this.current === 'idle') this.current = 'open';
      return reply;
    } catch (err) {
      if (failure) throw failure;
      if (CuaClientError.isInstance(err)) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new ConnectionError(`POST ${this.endpoint} failed: ${message}`, { cause: err });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      this.inFlight.delete(fail);
    }
  }

  /** Aborts every request under way with a ConnectionError. */
  async close(): Promise<void> {
    this.current = 'closed';
    const error = new ConnectionError('The connection was closed');
    for (const fail of [...this.inFlight]) fail(error);
  }
}

/** The reply is the first server-sent event of the body: its `data:` lines, joined. */
export function parseEvent(body: string): RawReply {
  const data: string[] = [];
  for (const line of body.split(/\r?\n/)) {
    if (line === '') {
      if (data.length > 0) break;
      continue;
    }
    if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
  }
  let value: unknown;
  try {
    value = data.length > 0 ? JSON.parse(data.join('\n')) : undefined;
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConnectionError(`Unexpected response from POST /cmd: ${preview(body)}`);
  }
  return value as RawReply;
}

/** 4xx/5xx with `{detail, code}`: the server refused the call before running it. */
function httpFailure(command: string, status: number, body: string): Error {
  const refusal = readRefusal(body);
  if (refusal) return refusalError(command, status, refusal);
  // Not a refusal of a Computer Server (a proxy's page, say).
  if (status === 401) return new AuthenticationError(`HTTP 401 from POST /cmd`);
  return new ConnectionError(`POST /cmd answered HTTP ${status}: ${preview(body)}`);
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat || '(empty body)';
}
