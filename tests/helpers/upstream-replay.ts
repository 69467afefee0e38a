import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { listenOnLoopback } from './loopback.js';

/**
 * Replays what the real upstream Python server answered (tests/fixtures/upstream-recordings, see
 * its README): a request our client sends is answered with the recorded reply of the exchange
 * whose request is byte-identical, and with nothing upstream ever said when there is none.
 */

const DIR = fileURLToPath(new URL('../fixtures/upstream-recordings/', import.meta.url));

export interface WsExchange {
  id: string;
  transport: 'ws';
  server: string;
  conn: string;
  seq: number;
  /** The exact text frame sent; a binary frame as its base64. */
  request: string | { binary_b64: string };
  /** The text frames received in answer, exactly. */
  reply: string[];
  close: { code: number; reason: string } | null;
  t_sent_ms: number;
  t_reply_ms: number;
  note: string;
}

export interface HttpReply {
  status: number;
  status_line: string;
  content_type: string | null;
  headers: [string, string][];
  body: string | null;
  /** The payload of each chunk of a chunked body. */
  chunks?: string[];
}

export interface HttpExchange {
  id: string;
  transport: 'cmd' | 'http';
  server: string;
  /** The exact request text: request line, headers, blank line, body. */
  request: string;
  reply: HttpReply;
  note: string;
}

type Exchange = WsExchange | HttpExchange;

let recordings: Map<string, Exchange> | undefined;

function all(): Map<string, Exchange> {
  if (recordings) return recordings;
  recordings = new Map();
  for (const file of readdirSync(DIR)
    .filter((name) => name.endsWith('.jsonl'))
    .sort()) {
    for (const line of readFileSync(DIR + file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const exchange = JSON.parse(line) as Exchange;
      if (recordings.has(exchange.id)) throw new Error(`recorded twice: ${exchange.id}`);
      recordings.set(exchange.id, exchange);
    }
  }
  return recordings;
}

export function wsExchange(id: string): WsExchange {
  const exchange = all().get(id);
  if (exchange?.transport !== 'ws') throw new Error(`no recorded /ws exchange ${id}`);
  return exchange;
}

export function httpExchange(id: string): HttpExchange {
  const exchange = all().get(id);
  if (!exchange || exchange.transport === 'ws') throw new Error(`no recorded HTTP exchange ${id}`);
  return exchange;
}

/** The one reply frame of a /ws exchange, parsed. */
export function recordedReply(id: string): Record<string, unknown> {
  const [frame] = wsExchange(id).reply;
  if (frame === undefined) throw new Error(`${id} has no reply frame`);
  return JSON.parse(frame) as Record<string, unknown>;
}

/**
 * How long upstream worked on an exchange: from when it could start (the frame had arrived and
 * the previous frame of its connection was answered, since upstream answers one at a time) to
 * its reply.
 */
function serviceMs(exchange: WsExchange): number {
  let previousReply = 0;
  for (const other of all().values()) {
    if (other.transport !== 'ws' || other.server !== exchange.server) continue;
    if (other.conn !== exchange.conn || other.seq >= exchange.seq) continue;
    previousReply = Math.max(previousReply, other.t_reply_ms);
  }
  return Math.max(0, exchange.t_reply_ms - Math.max(exchange.t_sent_ms, previousReply));
}

/** The exchanges a stand-in may answer with, each once, the first unused match winning. */
class Pool<E extends { id: string }> {
  private readonly left: E[];
  readonly answered: string[] = [];
  readonly unmatched: string[] = [];

  constructor(exchanges: readonly E[]) {
    this.left = [...exchanges];
  }

  take(request: string, matches: (exchange: E) => boolean): E | undefined {
    const index = this.left.findIndex(matches);
    if (index < 0) {
      this.unmatched.push(request);
      return undefined;
    }
    const [exchange] = this.left.splice(index, 1);
    this.answered.push(exchange!.id);
    return exchange;
  }

  unused(): string[] {
    return this.left.map((exchange) => exchange.id);
  }
}

export interface Replay {
  /** Ids of the exchanges replayed, in the order their requests arrived. */
  readonly answered: readonly string[];
  /** Requests that match no exchange of the pool (each got a reply upstream never sends). */
  readonly unmatched: readonly string[];
  /** Exchanges of the pool no request matched. */
  unused(): string[];
  close(): Promise<void>;
}

export interface WsReplay extends Replay {
  readonly url: string;
  /** The most frames a connection had received and not yet been answered. */
  readonly maxOutstanding: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Closes every client socket (as a crash would) but keeps listening. */
  dropClients(): void;
}

export interface WsReplayOptions {
  /**
   * `immediate` (default): each reply as soon as its turn comes. `recorded`: after as long as
   * upstream took, for tests about timing (a slow command, a call queued behind it).
   */
  timing?: 'immediate' | 'recorded';
}

const NO_RECORDING = (request: string) =>
  JSON.stringify({ success: false, error: `replay: nothing recorded for ${request}` });

/**
 * A `/ws` stand-in that answers from `ids` (recorded exchanges; list one twice to answer its
 * request twice), one frame at a time per connection as upstream does. The `101` carries the
 * headers of the recorded upgrade (`ws.upgrade`), with the accept key computed for the client's.
 */
export async function startWsReplay(
  ids: readonly string[],
  options: WsReplayOptions = {},
): Promise<WsReplay> {
  const pool = new Pool(ids.map(wsExchange));
  const upgrade = httpExchange('ws.upgrade').reply.headers;
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    path: '/ws',
    perMessageDeflate: false,
  });
  await once(wss, 'listening');
  // `ws` writes the status line, Upgrade, Connection and Sec-WebSocket-Accept, in upstream's order.
  const builtIn = new Set(['upgrade', 'connection', 'sec-websocket-accept']);
  wss.on('headers', (headers) => {
    for (const [name, value] of upgrade) {
      if (!builtIn.has(name.toLowerCase())) headers.push(`${name}: ${value}`);
    }
  });
  const sockets = new Set<WebSocket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let maxOutstanding = 0;
  let connections = 0;

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  wss.on('connection', (ws) => {
    connections += 1;
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    const queue: Array<string | { binary_b64: string }> = [];
    let busy = false;

    const next = async (): Promise<void> => {
      if (busy) return;
      const request = queue.shift();
      if (request === undefined) return;
      busy = true;
      const key = JSON.stringify(request);
      const exchange = pool.take(typeof request === 'string' ? request : key, (candidate) =>
        typeof request === 'string'
          ? candidate.request === request
          : JSON.stringify(candidate.request) === key,
      );
      if (exchange && options.timing === 'recorded') await wait(serviceMs(exchange));
      busy = false;
      if (ws.readyState !== ws.OPEN) return;
      if (!exchange) {
        ws.send(NO_RECORDING(key));
      } else {
        for (const frame of exchange.reply) ws.send(frame);
        if (exchange.close) {
          ws.close(exchange.close.code, exchange.close.reason);
          return;
        }
      }
      void next();
    };

    ws.on('message', (data, isBinary) => {
      const bytes = Buffer.isBuffer(data)
        ? data
        : Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.from(data);
      queue.push(isBinary ? { binary_b64: bytes.toString('base64') } : bytes.toString('utf8'));
      // Received but not yet answered, counting the one being worked on.
      maxOutstanding = Math.max(maxOutstanding, queue.length + (busy ? 1 : 0));
      void next();
    });
  });

  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    answered: pool.answered,
    unmatched: pool.unmatched,
    unused: () => pool.unused(),
    get maxOutstanding() {
      return maxOutstanding;
    },
    get connections() {
      return connections;
    },
    dropClients() {
      for (const ws of sockets) ws.terminate();
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

interface ParsedRequest {
  method: string;
  target: string;
  /** Lower-cased names; the last value of a repeated header. */
  headers: Map<string, string>;
  body: string;
}

/** Splits one HTTP/1.1 request off the front of `buffer`, or says it is not complete yet. */
function parseRequest(buffer: Buffer): { request: ParsedRequest; rest: Buffer } | undefined {
  const end = buffer.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [line = '', ...lines] = buffer.subarray(0, end).toString('latin1').split('\r\n');
  const [method = '', target = ''] = line.split(' ');
  const headers = new Map<string, string>();
  for (const header of lines) {
    const colon = header.indexOf(':');
    headers.set(header.slice(0, colon).trim().toLowerCase(), header.slice(colon + 1).trim());
  }
  const length = Number(headers.get('content-length') ?? 0);
  if (buffer.length < end + 4 + length) return undefined;
  const body = buffer.subarray(end + 4, end + 4 + length).toString('utf8');
  return {
    request: { method, target, headers, body },
    rest: buffer.subarray(end + 4 + length),
  };
}

/**
 * The request headers upstream's `/cmd` reads; the others (Host, User-Agent, Accept…) differ
 * from one HTTP client to the next and change nothing in the reply.
 */
const READ_HEADERS = ['content-type', 'x-container-name', 'x-api-key', 'authorization'];

function sameRequest(a: ParsedRequest, b: ParsedRequest): boolean {
  return (
    a.method === b.method &&
    a.target === b.target &&
    a.body === b.body &&
    READ_HEADERS.every((name) => a.headers.get(name) === b.headers.get(name))
  );
}

/** The recorded reply as bytes: status line, headers in their order and spelling, the body. */
function replyBytes(reply: HttpReply): Buffer {
  const head =
    `${reply.status_line}\r\n` +
    reply.headers.map(([name, value]) => `${name}: ${value}\r\n`).join('') +
    '\r\n';
  if (reply.chunks) {
    const chunks = reply.chunks.map((chunk) => {
      const payload = Buffer.from(chunk, 'utf8');
      return Buffer.concat([Buffer.from(`${payload.length.toString(16)}\r\n`), payload]);
    });
    const framed = chunks.flatMap((chunk) => [chunk, Buffer.from('\r\n')]);
    return Buffer.concat([Buffer.from(head), ...framed, Buffer.from('0\r\n\r\n')]);
  }
  return Buffer.concat([Buffer.from(head), Buffer.from(reply.body ?? '', 'utf8')]);
}

export interface HttpReplay extends Replay {
  /** `http://127.0.0.1:port`, for `new Computer({ url })`. */
  readonly url: string;
}

/**
 * An HTTP stand-in (`POST /cmd` and the rest) that answers from `ids`. Requests match on the
 * method, target, body and the headers upstream reads; the reply goes out exactly as recorded
 * (dates and all; a chunked body in its recorded chunks). An unmatched request gets a 599.
 */
export async function startHttpReplay(ids: readonly string[]): Promise<HttpReplay> {
  const recorded = ids.map((id) => {
    const exchange = httpExchange(id);
    const parsed = parseRequest(Buffer.from(exchange.request, 'utf8'));
    if (!parsed) throw new Error(`cannot parse the recorded request of ${id}`);
    return { id, exchange, request: parsed.request };
  });
  const pool = new Pool(recorded);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer: Buffer = Buffer.alloc(0);
    socket.on('data', (data) => {
      buffer = Buffer.concat([buffer, data]);
      for (let parsed = parseRequest(buffer); parsed; parsed = parseRequest(buffer)) {
        buffer = parsed.rest;
        const { request } = parsed;
        const line = `${request.method} ${request.target} ${request.body}`;
        const match = pool.take(line, (candidate) => sameRequest(candidate.request, request));
        if (match) {
          socket.write(replyBytes(match.exchange.reply));
        } else {
          const body = `replay: nothing recorded for ${line}`;
          socket.write(
            `HTTP/1.1 599 No Recording\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
          );
        }
      }
    });
  });
  const { origin } = await listenOnLoopback(server);
  return {
    url: origin,
    answered: pool.answered,
    unmatched: pool.unmatched,
    unused: () => pool.unused(),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
