import { decodeBase64, encodeBase64 } from './base64.js';
import { ConnectionError } from './errors.js';
import { readRefusal, refusalError } from './http-failure.js';
import { credentialHeaders, type Credentials } from './transport.js';

/** A terminal session on the server: its id (the shell's pid) and size. */
export interface PtyInfo {
  pid: number;
  cols: number;
  rows: number;
}

export interface PtyCreateOptions {
  /** Run by `/bin/sh -c`; without it, the server user's login shell. */
  command?: string;
  /** Defaults 80 × 24, as upstream. */
  cols?: number;
  rows?: number;
  cwd?: string;
  /** Extra environment variables for the shell. */
  envs?: Record<string, string>;
  signal?: AbortSignal;
}

/** What `attach` yields: output bytes as they come, then (once) how the session ended. */
export type PtyEvent = { type: 'output'; data: Uint8Array } | { type: 'exit'; code: number };

export interface PtyAttachOptions {
  /** Start with the server's recent output (its scrollback); default true. */
  scrollback?: boolean;
  /** Stops the iteration (the session keeps running). */
  signal?: AbortSignal;
}

/** A fetch that can stream a response body: the platform's (browsers, Node 18+). */
export type StreamingFetch = (url: string, init: RequestInit) => Promise<Response>;

export interface PtyClientOptions {
  /** `http(s)://host:port` (a path prefix is kept). */
  baseUrl: string;
  credentials?: Credentials | undefined;
  fetch?: StreamingFetch | undefined;
}

const encoder = new TextEncoder();

/**
 * Terminals on the server (`/pty`, upstream's routes): create one, write to it, resize it, read
 * it as an async iterator, kill it. Plain HTTP and server-sent events with the same headers as
 * `/cmd`, so it works alike in Node and in browsers (where a WebSocket cannot carry headers).
 */
export class PtyClient {
  private readonly baseUrl: string;

  constructor(private readonly options: PtyClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** Starts a session; output produced before `attach` is kept in the server's scrollback. */
  async create(options: PtyCreateOptions = {}): Promise<PtyInfo> {
    const { signal, ...body } = options;
    return (await this.request('POST', '/pty', body, signal)) as PtyInfo;
  }

  async get(pid: number, signal?: AbortSignal): Promise<PtyInfo> {
    return (await this.request('GET', `/pty/${pid}`, undefined, signal)) as PtyInfo;
  }

  /** Sends keystrokes or bytes to the session's input (text is sent as UTF-8). */
  async write(pid: number, data: string | Uint8Array, signal?: AbortSignal): Promise<void> {
    const bytes = typeof data === 'string' ? encoder.encode(data) : data;
    await this.request('POST', `/pty/${pid}/stdin`, { data: encodeBase64(bytes) }, signal);
  }

  async resize(pid: number, cols: number, rows: number, signal?: AbortSignal): Promise<void> {
    await this.request('POST', `/pty/${pid}/resize`, { cols, rows }, signal);
  }

  /** Ends the session and its whole process tree; false if it had already ended. */
  async kill(pid: number, signal?: AbortSignal): Promise<boolean> {
    const reply = (await this.request('DELETE', `/pty/${pid}`, undefined, signal)) as {
      killed?: unknown;
    };
    return reply.killed === true;
  }

  /**
   * The session's output as it comes, ending after its `exit` event (or when `signal` aborts,
   * or the loop breaks: the session itself keeps running then).
   */
  async *attach(pid: number, options: PtyAttachOptions = {}): AsyncGenerator<PtyEvent, void> {
    const controller = new AbortController();
    const outer = options.signal;
    const onAbort = () => controller.abort(outer?.reason);
    if (outer?.aborted) onAbort();
    outer?.addEventListener('abort', onAbort, { once: true });
    const query = options.scrollback === false ? '?scrollback=0' : '';
    try {
      const response = await this.send('GET', `/pty/${pid}/stream${query}`, undefined, {
        signal: controller.signal,
      });
      if (!response.body) throw new ConnectionError('The server sent no event stream');
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffered = '';
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (err) {
          if (controller.signal.aborted) return;
          throw new ConnectionError('The terminal stream broke', { cause: err });
        }
        if (chunk.done) return;
        buffered += decoder.decode(chunk.value, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const event = parseSseEvent(buffered.slice(0, end));
          buffered = buffered.slice(end + 2);
          if (event === undefined) continue;
          yield event;
          if (event.type === 'exit') return;
        }
      }
    } finally {
      outer?.removeEventListener('abort', onAbort);
      controller.abort();
    }
  }

  private async request(
    method: string,
    path: string,
    body: object | undefined,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const response = await this.send(method, path, body, signal ? { signal } : {});
    return (await response.json()) as unknown;
  }

  private async send(
    method: string,
    path: string,
    body: object | undefined,
    init: { signal?: AbortSignal },
  ): Promise<Response> {
    const headers = credentialHeaders(this.options.credentials);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const fetchFn = this.options.fetch ?? (globalThis as { fetch?: StreamingFetch }).fetch;
    if (!fetchFn) throw new ConnectionError('No fetch implementation: pass options.fetch');
    let response: Response;
    try {
      response = await fetchFn(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        ...init,
      });
    } catch (err) {
      if (init.signal?.aborted) throw err;
      throw new ConnectionError(`${method} ${path} failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (response.ok) return response;
    const text = await response.text().catch(() => '');
    // Not a refusal body: the status says enough.
    const refusal = readRefusal(text) ?? { message: `HTTP ${response.status}`, code: undefined };
    throw refusalError(`${method} ${path}`, response.status, refusal);
  }
}

function parseSseEvent(block: string): PtyEvent | undefined {
  const data = block
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).replace(/^ /, ''))
    .join('\n');
  if (data === '') return undefined;
  const value = JSON.parse(data) as { type?: unknown; data?: unknown; code?: unknown };
  if (value.type === 'output' && typeof value.data === 'string') {
    return { type: 'output', data: decodeBase64(value.data) };
  }
  if (value.type === 'exit') return { type: 'exit', code: Number(value.code ?? 0) };
  return undefined;
}
