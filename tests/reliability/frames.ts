import {
  ALIAS_NAMES,
  COMMAND_NAMES,
  isAuthenticateRequest,
  parseParams,
  parseRequestFrame,
  resolveCommandName,
  type CommandName,
  type ErrorCode,
} from '@cua/computer-protocol';
import { COMMAND_SCHEMAS, fingerprint, sampleValue, type JsonSchema, type Rng } from './helpers.js';

/** One generated request: a text frame (valid UTF-8) or a binary one. */
export interface Frame {
  /** What kind of case this is, for failure messages. */
  label: string;
  text?: string;
  binary?: Buffer;
}

/** What the server must do with a frame, worked out from the protocol package alone. */
export interface Expectation {
  /** The key (JSON text) of the id the reply must echo; undefined: no id, answered in order. */
  idKey: string | undefined;
  outcome:
    | { kind: 'failure'; code: ErrorCode }
    | { kind: 'run'; name: CommandName; fingerprint: string }
    | { kind: 'authenticate' };
}

/**
 * The oracle: the protocol's own envelope parser (the server must not word or order refusals
 * otherwise), and its `parseParams`. A frame whose params do not parse must never reach a handler.
 */
export function expectWs(frame: Frame): Expectation {
  const failure = (code: ErrorCode, idKey?: string): Expectation => ({
    idKey,
    outcome: { kind: 'failure', code },
  });
  if (frame.binary) return failure('invalid_request');
  const request = parseRequestFrame(frame.text!);
  // An id that is not a valid one is never echoed: the reply comes in order, without id.
  const idKey = request.id === undefined ? undefined : JSON.stringify(request.id);
  if (!request.ok) return failure(request.code, idKey);
  if (isAuthenticateRequest(request)) return { idKey, outcome: { kind: 'authenticate' } };
  const name = resolveCommandName(request.command);
  if (name === undefined) return failure('unknown_command', idKey);
  const parsed = parseParams(name, request.params);
  if (!parsed.ok) return failure('invalid_params', idKey);
  return { idKey, outcome: { kind: 'run', name, fingerprint: fingerprint(parsed.params) } };
}

/** `POST /cmd`: envelope problems are HTTP 400 with a JSON body; the rest is a `data:` event. */
export function expectHttp(body: string): { status: number; expectation: Expectation } {
  const asWs = expectWs({ label: 'http', text: body });
  const { outcome } = asWs;
  // `/cmd` has no authenticate command: it is a name like any unknown one there.
  if (outcome.kind === 'authenticate') {
    return {
      status: 400,
      expectation: { idKey: undefined, outcome: { kind: 'failure', code: 'unknown_command' } },
    };
  }
  if (outcome.kind === 'failure' && outcome.code !== 'invalid_params') {
    return { status: 400, expectation: { idKey: undefined, outcome } };
  }
  return { status: 200, expectation: asWs };
}

// ---------------------------------------------------------------------------------------------
// The generator.

/**
 * Values that JSON.stringify cannot write (1e400, -0, deep nesting built as text) are placed as
 * tokens, then swapped for their literal text.
 */
class RawJson {
  constructor(readonly text: string) {}
}

export interface GeneratorOptions {
  /** Total budget for 1–8 MiB strings, so the run's memory and time stay bounded. */
  bigStringBudgetBytes: number;
  /** Deepest nesting to send (the server must answer, not overflow its stack). */
  maxDepth: number;
}

const TRICKY_NAMES = [
  'nosuch',
  'scr',
  'VERSION',
  'version ',
  ' version',
  'Version',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'prototype',
  'valueOf',
  'authenticate',
  'run_command\u0000',
  '漢字',
  '🙂',
  'x'.repeat(300),
  'diorama',
  'screenshot.png',
];

const ODD_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '',
  ' ',
  '漢',
];

const RAW_NUMBERS = [
  '1e400',
  '-1e400',
  '-0',
  '1e-400',
  '123456789012345678901234567890',
  '-9007199254740993',
  '0.30000000000000004',
  '1E+2',
  '2e308',
];

const NAN_LIKE = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e999',
  '0x10',
  ' 1',
  '',
  'true',
  'null',
  '1_000',
  '+1',
  '١٢',
];

/** One of each JSON type, and values that only look like numbers. */
const SWEEP_VALUES: unknown[] = [
  'x',
  '',
  'NaN',
  '1',
  1.5,
  7,
  -1,
  0,
  true,
  [],
  [1, 2],
  ['a'],
  {},
  { a: 1 },
  new RawJson('1e400'),
  new RawJson('-0'),
];

export class FrameGenerator {
  private bigLeft: number;
  /** A frame stays under the server's 16 MiB limit: one big string at most. */
  private bigInFrame = false;
  private readonly usedIds = new Set<string>();
  private tokenCount = 0;

  constructor(
    private readonly rng: Rng,
    private readonly options: GeneratorOptions,
  ) {
    this.bigLeft = options.bigStringBudgetBytes;
  }

  next(): Frame {
    this.bigInFrame = false;
    const r = this.rng.next();
    if (r < 0.05)
      return { label: 'random bytes (binary)', binary: this.rng.bytes(this.rng.int(0, 2048)) };
    if (r < 0.1) return { label: 'random text', text: this.randomText(this.rng.int(0, 400)) };
    if (r < 0.17) {
      const whole = this.commandFrame().text!;
      return {
        label: 'truncated JSON',
        text: utf8(whole.slice(0, this.rng.int(0, whole.length - 1))),
      };
    }
    if (r < 0.23) return this.serialize('top-level non-object', this.topLevelValue());
    if (r < 0.29) return this.badCommandFrame();
    return this.commandFrame();
  }

  /**
   * Not random: every command and alias, each param in turn given one value of every JSON type
   * (and a few edge values), the other params at their smallest valid value. Every other frame
   * carries an id, so both reply paths see every case.
   */
  sweep(): Frame[] {
    const frames: Frame[] = [];
    for (const command of [...COMMAND_NAMES, ...ALIAS_NAMES]) {
      const schema = COMMAND_SCHEMAS.get(resolveCommandName(command)!)!.params;
      const base = sampleValue(schema) as Record<string, unknown>;
      const properties = Object.keys((schema.properties as object | undefined) ?? {});
      for (const param of properties) {
        for (const wrong of SWEEP_VALUES) {
          const envelope: Record<string, unknown> = {
            command,
            params: { ...base, [param]: wrong },
          };
          if (frames.length % 2 === 1) envelope.id = `sweep-${frames.length}`;
          frames.push(this.serialize(`sweep ${command}.${param}`, envelope));
        }
      }
    }
    return frames;
  }

  /** `{command, params, id?}` for a real command, an alias or a tricky name. */
  commandFrame(): Frame {
    const rng = this.rng;
    const roll = rng.next();
    const command =
      roll < 0.6
        ? rng.pick(COMMAND_NAMES)
        : roll < 0.8
          ? rng.pick(ALIAS_NAMES)
          : rng.pick(TRICKY_NAMES);
    const envelope: Record<string, unknown> = { command };
    const name = resolveCommandName(command);
    const p = rng.next();
    if (p < 0.07) envelope.params = rng.pick([null, [], [1, 2], 'x', 0, true]);
    else if (p < 0.93) envelope.params = this.params(name);
    this.maybeId(envelope);
    if (rng.chance(0.05)) setKey(envelope, rng.pick(ODD_KEYS), this.wrongValue());
    const alias = name !== undefined && name !== command ? `→${name}` : '';
    const label = `${command.slice(0, 40)}${alias}`;
    return this.serialize(label, rng.chance(0.5) ? envelope : reorder(envelope, rng));
  }

  private params(name: CommandName | undefined): Record<string, unknown> {
    const rng = this.rng;
    const out: Record<string, unknown> = {};
    const properties = name
      ? ((COMMAND_SCHEMAS.get(name)!.params.properties as Record<string, JsonSchema> | undefined) ??
        {})
      : {};
    for (const [key, schema] of Object.entries(properties)) {
      const r = rng.next();
      if (r < 0.55) out[key] = sampleValue(schema, rng);
      else if (r < 0.87) out[key] = this.wrongValue();
    }
    if (rng.chance(0.15))
      setKey(out, rng.pick([...ODD_KEYS, 'extra', 'x', 'path']), this.wrongValue());
    return out;
  }

  private maybeId(envelope: Record<string, unknown>): void {
    const rng = this.rng;
    if (rng.chance(0.5)) return;
    const r = rng.next();
    if (r < 0.1) {
      envelope.id = null;
      return;
    }
    if (r < 0.3) {
      envelope.id = rng.pick<unknown>([
        { a: 1 },
        [],
        [1],
        true,
        false,
        'i'.repeat(rng.int(257, 300)),
        new RawJson('1e400'),
        new RawJson('-1e400'),
        this.deep(rng.int(1000, this.options.maxDepth)),
      ]);
      return;
    }
    // Valid ids, unique on the socket, so each reply can be traced to its request.
    for (;;) {
      const id = rng.pick<() => unknown>([
        () => rng.int(0, 1_000_000),
        () => -rng.int(1, 1_000_000),
        () => rng.int(0, 1_000_000) + 0.5,
        () => rng.next() * 1e300,
        () => Number.MAX_SAFE_INTEGER - rng.int(0, 100),
        () => `req-${rng.int(0, 1_000_000)}`,
        () => this.randomText(rng.int(0, 20)),
        () => 'id🙂漢字'.repeat(rng.int(1, 30)).slice(0, 256),
        () => 'L'.repeat(255) + String(rng.int(0, 9)),
        () => '',
        () => `${rng.int(0, 1000)}`,
      ])();
      const key = JSON.stringify(id);
      if (typeof id === 'string' && id.length > 256) continue;
      if (this.usedIds.has(key)) continue;
      this.usedIds.add(key);
      envelope.id = id;
      return;
    }
  }

  private badCommandFrame(): Frame {
    const rng = this.rng;
    const envelope: Record<string, unknown> = {};
    const choice = rng.int(0, 3);
    if (choice > 0)
      envelope.command = rng.pick<unknown>([
        5,
        null,
        true,
        [],
        ['version'],
        { name: 'version' },
        '',
        0,
      ]);
    if (choice !== 1) envelope.params = rng.chance(0.5) ? {} : this.wrongValue();
    this.maybeId(envelope);
    return this.serialize('command missing or not a string', envelope);
  }

  private topLevelValue(): unknown {
    const rng = this.rng;
    return rng.pick<() => unknown>([
      () => null,
      () => true,
      () => false,
      () => rng.int(-1000, 1000),
      () => new RawJson(rng.pick(RAW_NUMBERS)),
      () => 'version',
      () => [],
      () => [{ command: 'version' }],
      () => [1, 'two', null],
      () => this.deep(rng.int(1000, this.options.maxDepth)),
      () => this.randomText(30),
    ])();
  }

  /** A value of any type but likely not the one a param wants. */
  private wrongValue(): unknown {
    const rng = this.rng;
    const r = rng.next();
    if (r < 0.03) return this.deep(rng.int(1000, this.options.maxDepth));
    if (r < 0.05) {
      const size = rng.int(1, 8) * 1024 * 1024;
      if (size <= this.bigLeft && !this.bigInFrame) {
        this.bigLeft -= size;
        this.bigInFrame = true;
        return bigString(size, rng);
      }
    }
    return rng.pick<() => unknown>([
      () => rng.int(-5, 5),
      () => rng.next() * 1e6 - 5e5,
      () => new RawJson(rng.pick(RAW_NUMBERS)),
      () => 1e308,
      () => -1e308,
      () => 2 ** 53 + 2,
      () => rng.pick(NAN_LIKE),
      () => true,
      () => false,
      () => null,
      () => [],
      () => [1, 2],
      () => ['a', 'b'],
      () => [
        [1, 2],
        [3, 4],
      ],
      () => ({}),
      () => ({ x: 1, y: 2 }),
      () => JSON.parse('{"__proto__":{"x":1,"y":2,"path":"/p","text":"t"}}') as unknown,
      () =>
        JSON.parse(
          '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
        ) as unknown,
      () => this.randomText(rng.int(0, 40)),
      () => 'x'.repeat(rng.int(256, 70_000)),
      () => '\u0000\u0001\u001f',
      () => new RawJson('"\\ud800 lone surrogate"'),
    ])();
  }

  private deep(depth: number): RawJson {
    const open = this.rng.chance(0.5) ? '[' : '{"a":';
    const close = open === '[' ? ']' : '}';
    return new RawJson(open.repeat(depth) + (open === '[' ? '' : '1') + close.repeat(depth));
  }

  /** Text from all over Unicode (astral planes too); never lone surrogates, so valid UTF-8. */
  private randomText(length: number): string {
    const rng = this.rng;
    let out = '';
    for (let i = 0; i < length; i += 1) {
      const r = rng.next();
      const code =
        r < 0.5
          ? rng.int(0x20, 0x7e)
          : r < 0.6
            ? rng.int(0, 0x1f)
            : r < 0.9
              ? rng.int(0xa0, 0xd7ff)
              : rng.int(0x10000, 0x10ffff);
      out += String.fromCodePoint(code);
    }
    return out;
  }

  private serialize(label: string, value: unknown): Frame {
    const raws: string[] = [];
    const base = `@@raw-${(this.tokenCount += 1)}-`;
    const text = JSON.stringify(value, (_key, v: unknown) => {
      if (v instanceof RawJson) {
        raws.push(v.text);
        return `${base}${raws.length - 1}@@`;
      }
      return v;
    });
    let out = text ?? 'undefined';
    raws.forEach((raw, i) => {
      out = out.split(`"${base}${i}@@"`).join(raw);
    });
    return { label, text: utf8(out) };
  }
}

/** What the server sees: the string as UTF-8 bytes, decoded again (e.g. a cut surrogate pair). */
function utf8(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

function bigString(size: number, rng: Rng): string {
  const unit = `${rng.int(0, 1e9)}abcdefghijklmnopqrstuvwxyz0123456789`;
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

function reorder(envelope: Record<string, unknown>, rng: Rng): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of rng.shuffle(Object.keys(envelope))) setKey(out, key, envelope[key]);
  return out;
}

/** An own key even when it is `__proto__` (plain assignment would set the prototype instead). */
function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** One line for a failure message. */
export function describeFrame(frame: Frame): string {
  if (frame.binary) return `${frame.label}: ${frame.binary.length} bytes`;
  const text = frame.text!;
  const shown = text.length > 160 ? `${text.slice(0, 160)}… (${text.length} chars)` : text;
  return `${frame.label}: ${shown}`;
}
