import { type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import {
  commands,
  commandsJsonSchema,
  COMMAND_NAMES,
  type CommandName,
} from '@cua/computer-protocol';
import type { Handler, HandlerTable } from '@cua/computer-server';
import WebSocket from 'ws';
import { cleanEnv, startCli } from '../helpers/server.js';

// ---------------------------------------------------------------------------------------------
// Seeded randomness: every random choice in this suite comes from here, so a failure reproduces
// with FUZZ_SEED=<the seed printed in its message>.

/** The run's seed: FUZZ_SEED when given, otherwise a fresh one (printed in failure messages). */
export const SEED: number = (() => {
  const fromEnv = process.env.FUZZ_SEED;
  if (fromEnv !== undefined && fromEnv !== '') {
    const n = Number(fromEnv);
    if (!Number.isInteger(n)) throw new Error(`FUZZ_SEED must be an integer, got ${fromEnv}`);
    return n >>> 0;
  }
  return Math.floor(Math.random() * 2 ** 32);
})();

/** Say this in every assertion message that depends on random choices. */
export const SEED_NOTE = `(reproduce with FUZZ_SEED=${SEED})`;

/** mulberry32: tiny, fast, good enough to pick test cases; not for anything secret. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A stream of its own per test, so adding a test does not change another test's cases. */
  static forTest(label: string): Rng {
    const salt = createHash('sha1').update(label).digest().readUInt32LE(0);
    return new Rng((SEED ^ salt) >>> 0);
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  bytes(count: number): Buffer {
    const out = Buffer.allocUnsafe(count);
    for (let i = 0; i < count; i += 1) out[i] = Math.floor(this.next() * 256);
    return out;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i -= 1) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

// ---------------------------------------------------------------------------------------------
// Values from the protocol's own JSON Schema.

export type JsonSchema = Record<string, unknown>;

const STRING_HINTS = [
  'a',
  'png',
  'jpeg',
  'webp',
  'left',
  'right',
  'enter',
  'ctrl',
  'up',
  'down',
  '/nonexistent/cua-fuzz',
  'héllo wörld',
  '漢字🙂',
];

/**
 * A value the schema accepts. Without `rng` it is the smallest one (stub results); with `rng`
 * it varies, and is only *likely* valid (e.g. a string param may need one of a few words): the
 * protocol's `parseParams` decides, never this function.
 */
export function sampleValue(schema: JsonSchema, rng?: Rng): unknown {
  if (Array.isArray(schema.anyOf)) {
    const branches = schema.anyOf as JsonSchema[];
    const nonNull = branches.filter((b) => b.type !== 'null');
    return sampleValue(rng ? rng.pick(branches) : (nonNull[0] ?? branches[0]!), rng);
  }
  if (Array.isArray(schema.enum)) {
    return rng ? rng.pick(schema.enum as unknown[]) : (schema.enum as unknown[])[0];
  }
  switch (schema.type) {
    case 'string': {
      const min = (schema.minLength as number | undefined) ?? 0;
      const word = rng ? rng.pick(STRING_HINTS) : 'a';
      return word.length >= min ? word : word.padEnd(min, 'a');
    }
    case 'integer':
    case 'number': {
      const candidates = [1, 0, 5, 100, 640, -3, ...(schema.type === 'number' ? [0.5, 12.25] : [])];
      const fits = candidates.filter((n) => numberFits(schema, n));
      if (fits.length === 0) return schema.minimum ?? 1;
      return rng ? rng.pick(fits) : fits[0];
    }
    case 'boolean':
      return rng ? rng.chance(0.5) : false;
    case 'null':
      return null;
    case 'array': {
      const prefix = (schema.prefixItems as JsonSchema[] | undefined) ?? [];
      const items = schema.items as JsonSchema | false | undefined;
      const min = Math.max((schema.minItems as number | undefined) ?? 0, prefix.length);
      const max = (schema.maxItems as number | undefined) ?? min + 3;
      const count = rng && items ? rng.int(min, max) : min;
      return Array.from({ length: count }, (_, i) =>
        i < prefix.length ? sampleValue(prefix[i]!, rng) : items ? sampleValue(items, rng) : 0,
      );
    }
    case 'object': {
      const properties = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
      const required = new Set((schema.required as string[] | undefined) ?? []);
      const out: Record<string, unknown> = {};
      for (const [key, prop] of Object.entries(properties)) {
        if (required.has(key) || (rng?.chance(0.5) ?? false)) out[key] = sampleValue(prop, rng);
      }
      return out;
    }
    default:
      // `{}`: anything goes.
      return rng ? rng.pick(['ok', 1, true, null, { a: 1 }]) : 'ok';
  }
}

function numberFits(schema: JsonSchema, n: number): boolean {
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = schema as Record<string, number>;
  if (schema.type === 'integer' && !Number.isInteger(n)) return false;
  if (minimum !== undefined && n < minimum) return false;
  if (maximum !== undefined && n > maximum) return false;
  if (exclusiveMinimum !== undefined && n <= exclusiveMinimum) return false;
  if (exclusiveMaximum !== undefined && n >= exclusiveMaximum) return false;
  return true;
}

export const COMMAND_SCHEMAS = new Map(commandsJsonSchema().map((s) => [s.name, s]));

// ---------------------------------------------------------------------------------------------
// Recording handlers: the witness of which commands ran, and with what.

/**
 * A stable digest of a value of any depth (JSON.stringify overflows the stack at depth ~10,000,
 * and the fuzz sends such values). Key order counts: both sides get their params from zod.
 */
export function fingerprint(value: unknown): string {
  const hash = createHash('sha1');
  const close = Symbol('close');
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === close) {
      hash.update(')');
    } else if (typeof item === 'string') {
      hash.update(`s${item.length}:`).update(item);
    } else if (Array.isArray(item)) {
      hash.update('a(');
      stack.push(close);
      for (let i = item.length - 1; i >= 0; i -= 1) stack.push(item[i]);
    } else if (typeof item === 'object' && item !== null) {
      hash.update('o(');
      stack.push(close);
      const keys = Object.keys(item);
      for (let i = keys.length - 1; i >= 0; i -= 1) {
        stack.push((item as Record<string, unknown>)[keys[i]!]);
        stack.push(`key:${keys[i]!}`);
      }
    } else {
      hash.update(`${typeof item}:${Object.is(item, -0) ? '-0' : String(item)};`);
    }
  }
  return hash.digest('hex');
}

export interface HandlerCall {
  name: CommandName;
  fingerprint: string;
}

/** Stub results, built from each result schema and checked against it in the fuzz suite. */
export const STUB_RESULTS = Object.fromEntries(
  COMMAND_NAMES.map((name) => [name, sampleValue(COMMAND_SCHEMAS.get(name)!.result)]),
) as Record<CommandName, Record<string, unknown>>;

/**
 * Every handler records its call. The ones in `real` run for real; every other one is a stub
 * that returns a schema-valid result without touching the machine (no shell, files, windows,
 * input or clipboard): the suites that use this test transport and dispatch, not the handlers.
 */
export function recordingHandlers(
  calls: HandlerCall[],
  real: Partial<HandlerTable> = {},
): HandlerTable {
  const table: Record<string, Handler<CommandName>> = {};
  for (const name of COMMAND_NAMES) {
    const impl = (real as Record<string, Handler<CommandName> | undefined>)[name];
    table[name] = async (params, ctx) => {
      calls.push({ name, fingerprint: fingerprint(params) });
      if (impl) return impl(params, ctx);
      return structuredClone(STUB_RESULTS[name]);
    };
  }
  return table as unknown as HandlerTable;
}

export function commandKind(name: CommandName): string {
  return commands[name].kind;
}

// ---------------------------------------------------------------------------------------------
// Processes.

/** Running or stopped, but not a zombie (a zombie runs nothing; PID 1 here may never reap it). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

/** Resident memory of a process, in MiB, from /proc. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) / 1024;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls until `check` is true; false if it never was within timeoutMs. */
export async function eventually(check: () => boolean, timeoutMs: number, stepMs = 25) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(stepMs);
  }
}

export interface CliServer {
  readonly child: ChildProcess;
  readonly pid: number;
  /** `ws://127.0.0.1:PORT/ws` */
  readonly url: string;
  readonly httpUrl: string;
  /** Resolves with how the process ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): { stdout: string; stderr: string };
  /** SIGKILL unless already gone; safe to call twice. */
  kill(): Promise<void>;
}

const liveClis = new Set<CliServer>();

/**
 * The real CLI in a child process on a free loopback port, auth off, no display (nothing in
 * these suites should reach a desktop through it).
 */
export async function startCliServer(extraArgs: string[] = []): Promise<CliServer> {
  const env = cleanEnv({ CUA_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn' });
  delete env.DISPLAY;
  const { child, url, output } = await startCli(
    ['--host', '127.0.0.1', '--port', '0', '--auth', 'none', ...extraArgs],
    env,
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
    } else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const cli: CliServer = {
    child,
    pid: child.pid!,
    url,
    httpUrl: url.replace(/^ws/, 'http').replace(/\/ws$/, ''),
    exited,
    output,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      liveClis.delete(cli);
    },
  };
  liveClis.add(cli);
  void exited.then(() => liveClis.delete(cli));
  return cli;
}

/** For afterAll: no server child outlives its test file. */
export async function killAllClis(): Promise<void> {
  await Promise.all([...liveClis].map((cli) => cli.kill()));
}

// ---------------------------------------------------------------------------------------------
// A WebSocket client that sees the wire: every reply frame, and how the socket closed.

export type Reply = Record<string, unknown>;

export class WireClient {
  readonly replies: Reply[] = [];
  /** Set once closed: the close code the client saw (1006 when the TCP connection just died). */
  closeCode: number | undefined;
  /** When each reply arrived (ms since epoch), same index as `replies`. */
  readonly arrivals: number[] = [];
  private listeners: Array<(reply: Reply) => void> = [];
  private wakers: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      let reply: Reply;
      try {
        const text = Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
        reply = isBinary ? { __binary: true } : (JSON.parse(text) as Reply);
      } catch {
        reply = { __unparseable: true };
      }
      this.replies.push(reply);
      this.arrivals.push(Date.now());
      for (const listener of this.listeners) listener(reply);
      this.wake();
    });
    ws.on('close', (code: number) => {
      this.closeCode = code;
      this.wake();
    });
    // A refused or reset connection shows up as close 1006; the test reads closeCode.
    ws.on('error', () => undefined);
  }

  static async open(url: string): Promise<WireClient> {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await once(ws, 'open');
    return new WireClient(ws);
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  onReply(listener: (reply: Reply) => void): void {
    this.listeners.push(listener);
  }

  send(frame: string | Buffer | object, binary = false): void {
    if (Buffer.isBuffer(frame)) this.ws.send(frame, { binary });
    else this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Waits until `check` holds (re-checked on every frame and on close). */
  async until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.wakers.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends one frame and resolves with the first reply after it that `match` accepts. */
  async call(frame: object, timeoutMs = 10_000, match: (r: Reply) => boolean = () => true) {
    const from = this.replies.length;
    this.send(frame);
    let found: Reply | undefined;
    await this.until(
      () => {
        found = this.replies.slice(from).find(match);
        return found !== undefined || this.closeCode !== undefined;
      },
      timeoutMs,
      `a reply to ${JSON.stringify(frame).slice(0, 120)}`,
    );
    if (found === undefined) throw new Error(`socket closed (${this.closeCode}) before a reply`);
    return found;
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = once(this.ws, 'close');
    if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    else this.ws.close();
    await Promise.race([closed, sleep(2000)]);
    this.ws.terminate();
  }

  private wake(): void {
    for (const wake of this.wakers.splice(0)) wake();
  }
}

/** A failure reply as the protocol promises it: success false, a non-empty error and a code. */
export function isCleanFailure(reply: Reply): boolean {
  return (
    reply.success === false &&
    typeof reply.error === 'string' &&
    reply.error.length > 0 &&
    typeof reply.code === 'string'
  );
}
