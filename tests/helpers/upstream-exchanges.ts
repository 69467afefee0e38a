import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { HttpExchange, WsExchange } from './upstream-replay.js';
import { listenOnLoopback } from './loopback.js';

/**
 * The recorded upstream exchanges (tests/fixtures/upstream-recordings, see its README) as a list,
 * and the raw wire tools to send their requests to a real server: a TCP client that sends an
 * HTTP request's exact bytes and reads the reply as it came, a WebSocket client that keeps text
 * frames as text, and the fake auth service the recordings were made against.
 */

const DIR = fileURLToPath(new URL('../fixtures/upstream-recordings/', import.meta.url));

/** In the order they are replayed: a file's exchanges may rely on the state the previous left. */
export const RECORDING_FILES = [
  'ws-commands.jsonl',
  'ws-failures.jsonl',
  'cmd.jsonl',
  'http.jsonl',
  'cloud-auth.jsonl',
] as const;
export type RecordingFile = (typeof RECORDING_FILES)[number];

/** A request the server made to the auth service while it handled an exchange. */
export interface AuthCall {
  request_line: string;
  headers: [string, string][];
  answered: { status: number; body: string };
}

interface RecordedExtras {
  file: RecordingFile;
  auth_calls?: AuthCall[];
  /** The 12 MiB and 17 MiB frames: `request` is shortened, `note` says what was sent. */
  request_omitted?: boolean;
}
export type RecordedWs = WsExchange & RecordedExtras;
export type RecordedHttp = HttpExchange & RecordedExtras;
export type Recorded = RecordedWs | RecordedHttp;

let cache: Recorded[] | undefined;

/** Every recorded exchange, file by file in RECORDING_FILES order, lines in their order. */
export function loadRecordings(): Recorded[] {
  cache ??= RECORDING_FILES.flatMap((file) =>
    readFileSync(DIR + file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => ({ ...(JSON.parse(line) as Recorded), file })),
  );
  return cache;
}

export const isWs = (entry: Recorded): entry is RecordedWs => entry.transport === 'ws';

// ---- HTTP over a plain socket ----

export interface HttpResponse {
  statusLine: string;
  status: number;
  /** In the order and spelling received. */
  headers: [string, string][];
  /** De-chunked. */
  body: string;
  /** The payload of each chunk, for a chunked body. */
  chunks?: string[];
}

/** The first value of a header, any case of its name. */
export function headerValue(headers: [string, string][], name: string): string | undefined {
  return headers.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
}

/** A request text with its Content-Length set to its body's real length (after path rewrites). */
export function withContentLength(request: string): string {
  const end = request.indexOf('\r\n\r\n');
  const body = request.slice(end + 4);
  const head = request
    .slice(0, end)
    .replace(/^content-length: *\d+$/im, `Content-Length: ${Buffer.byteLength(body)}`);
  return `${head}\r\n\r\n${body}`;
}

interface ParsedHead {
  statusLine: string;
  status: number;
  headers: [string, string][];
  bodyStart: number;
}

function parseHead(buffer: Buffer): ParsedHead | undefined {
  const end = buffer.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine = '', ...lines] = buffer.subarray(0, end).toString('latin1').split('\r\n');
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  });
  return { statusLine, status: Number(statusLine.split(' ')[1]), headers, bodyStart: end + 4 };
}

/** The chunks of a chunked body, or undefined while the last chunk has not arrived. */
function parseChunks(body: Buffer): Buffer[] | undefined {
  const chunks: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
    if (size === 0) return body.length >= lineEnd + 4 ? chunks : undefined;
    if (body.length < lineEnd + 2 + size + 2) return undefined;
    chunks.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

/**
 * Sends `request` byte for byte on a new TCP connection and reads one response: up to its
 * headers for a 101, else to the end of its body (Content-Length, chunked, or the close).
 */
export async function rawHttp(port: number, request: string, timeoutMs = 10_000) {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  try {
    return await new Promise<HttpResponse>((resolve, reject) => {
      let buffer: Buffer = Buffer.alloc(0);
      const timer = setTimeout(
        () => reject(new Error(`no complete response within ${timeoutMs} ms: ${String(buffer)}`)),
        timeoutMs,
      );
      const finish = (ended: boolean) => {
        const head = parseHead(buffer);
        if (!head) {
          if (ended) reject(new Error(`connection ended before the headers: ${String(buffer)}`));
          return;
        }
        const { statusLine, status, headers } = head;
        const body = buffer.subarray(head.bodyStart);
        const done = (text: string, chunks?: Buffer[]) => {
          clearTimeout(timer);
          resolve({
            statusLine,
            status,
            headers,
            body: text,
            ...(chunks ? { chunks: chunks.map((chunk) => chunk.toString('utf8')) } : {}),
          });
        };
        if (status === 101) return done('');
        if (/chunked/i.test(headerValue(headers, 'transfer-encoding') ?? '')) {
          const chunks = parseChunks(body);
          if (chunks) done(Buffer.concat(chunks).toString('utf8'), chunks);
          else if (ended) reject(new Error(`chunked body cut short: ${String(buffer)}`));
          return;
        }
        const length = headerValue(headers, 'content-length');
        if (length !== undefined && body.length >= Number(length)) {
          return done(body.subarray(0, Number(length)).toString('utf8'));
        }
        if (ended) done(body.toString('utf8'));
      };
      socket.on('data', (data: Buffer) => {
        buffer = Buffer.concat([buffer, data]);
        finish(false);
      });
      socket.on('end', () => finish(true));
      socket.on('error', reject);
      socket.write(request);
    });
  } finally {
    socket.destroy();
  }
}

// ---- WebSocket, frames kept as they came ----

export type WireEvent =
  | { kind: 'text'; text: string }
  | { kind: 'binary'; bytes: Buffer }
  | { kind: 'close'; code: number; reason: string };

/** A `/ws` client that queues every frame (text as text) and the close, for exact comparison. */
export class WireClient {
  private readonly events: WireEvent[] = [];
  private wake: (() => void) | undefined;

  private constructor(readonly ws: WebSocket) {
    const push = (event: WireEvent) => {
      this.events.push(event);
      this.wake?.();
    };
    ws.on('message', (data: Buffer, isBinary) =>
      push(isBinary ? { kind: 'binary', bytes: data } : { kind: 'text', text: data.toString() }),
    );
    ws.on('close', (code, reason) => push({ kind: 'close', code, reason: reason.toString() }));
    // A server that closes while a large frame is still going out: the close event follows.
    ws.on('error', () => undefined);
  }

  static async open(url: string): Promise<WireClient> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await once(ws, 'open');
    return new WireClient(ws);
  }

  send(frame: string | Buffer): void {
    this.ws.send(frame, { binary: Buffer.isBuffer(frame) });
  }

  /** The next frame or the close, or undefined if none came within `timeoutMs`. */
  async next(timeoutMs = 10_000): Promise<WireEvent | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    return this.events.shift();
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = once(this.ws, 'close');
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close();
    else this.ws.terminate();
    await closed;
  }
}

// ---- The auth service of the recordings ----

export interface AuthServiceCall {
  requestLine: string;
  headers: [string, string][];
}

/**
 * The fake auth service of the recordings' README: `sk-good-key` gets 200 with a JSON body,
 * `sk-empty-body-key` 200 with an empty body, anything else 401. Records every request.
 */
export async function startRecordedAuthService() {
  const calls: AuthServiceCall[] = [];
  const server = createServer((req, res) => {
    const headers: [string, string][] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
    }
    calls.push({ requestLine: `${req.method} ${req.url} HTTP/${req.httpVersion}`, headers });
    const authorization = req.headers.authorization;
    if (authorization === 'Bearer sk-good-key') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"ok":true,"container_name":"vm1"}');
    } else if (authorization === 'Bearer sk-empty-body-key') {
      res.writeHead(200);
      res.end();
    } else {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end('{"error":"unauthorized"}');
    }
  });
  const { origin } = await listenOnLoopback(server);
  return {
    baseUrl: origin,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A loopback port nothing listens on (taken and given back), for "the service is down". */
export async function unusedPort(): Promise<number> {
  const server = createNetServer();
  const { port } = await listenOnLoopback(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// ---- Images ----

export interface ImageInfo {
  format: 'png' | 'jpeg' | 'unknown';
  width: number;
  height: number;
}

/** Format and pixel size of a base64 PNG or JPEG, read from its header. */
export function imageInfo(base64: string): ImageInfo {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.subarray(1, 4).toString('latin1') === 'PNG') {
    return { format: 'png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    // Walk the segments to the first start-of-frame (SOF0…SOF15 but DHT, JPG, DAC).
    for (let at = 2; at + 9 < bytes.length;) {
      const marker = bytes[at + 1]!;
      const length = bytes.readUInt16BE(at + 2);
      if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
        return {
          format: 'jpeg',
          height: bytes.readUInt16BE(at + 5),
          width: bytes.readUInt16BE(at + 7),
        };
      }
      at += 2 + length;
    }
  }
  return { format: 'unknown', width: 0, height: 0 };
}
