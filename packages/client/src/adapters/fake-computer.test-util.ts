// A stand-in Computer for the adapters' unit tests: it records every call and answers as our
// server does (screenshot sizes by the server's arithmetic, `observe` and `batch` when told to
// announce them). The end-to-end tests in tests/ use the real server.
import { encodeBase64 } from '../base64.js';
import { ComputerError } from '../errors.js';
import type { ComputerLike } from './action-runner.js';

export interface Call {
  name: string;
  params: Record<string, unknown>;
}

export interface FakeOptions {
  width?: number;
  height?: number;
  features?: string[];
  /** Fails this command with the given code. */
  fail?: { command: string; code: string; error: string };
  cursor?: { x: number; y: number };
  /** Answer `observe` without the `observation` (a client whose shapes predate it). */
  dropObservation?: boolean;
}

/** Base64 of a PNG header of the given size (enough for size sniffing; not a whole image). */
export function pngHeader(width: number, height: number): string {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return encodeBase64(bytes);
}

export class FakeComputer implements ComputerLike {
  readonly calls: Call[] = [];
  readonly width: number;
  readonly height: number;
  cursor: { x: number; y: number };
  /** Every call from now on rejects with this (a dropped connection). */
  rejectWith: Error | undefined;

  constructor(private readonly options: FakeOptions = {}) {
    this.width = options.width ?? 1280;
    this.height = options.height ?? 800;
    this.cursor = options.cursor ?? { x: 10, y: 20 };
  }

  /** The calls other than version and get_screen_size, as `name params` lines. */
  actions(): Call[] {
    return this.calls.filter((c) => c.name !== 'version' && c.name !== 'get_screen_size');
  }

  call = ((name: string, params: Record<string, unknown> = {}) => {
    this.calls.push({ name, params });
    if (this.rejectWith) return Promise.reject(this.rejectWith);
    return Promise.resolve(this.answer(name, params));
  }) as unknown as ComputerLike['call'];

  private answer(name: string, params: Record<string, unknown>): Record<string, unknown> {
    const fail = this.options.fail;
    if (fail && fail.command === name) {
      throw new ComputerError(name, { success: false, code: fail.code, error: fail.error });
    }
    switch (name) {
      case 'version':
        return { protocol: 1, package: 'fake', features: this.options.features ?? [] };
      case 'get_screen_size':
        return { size: { width: this.width, height: this.height } };
      case 'get_cursor_position':
        return { position: this.cursor };
      case 'screenshot':
        return this.screenshot(params);
      case 'batch': {
        const actions = params.actions as { command: string; params: Record<string, unknown> }[];
        const results = actions.map((a) => this.answer(a.command, a.params));
        return this.withObservation({ results }, params.observe);
      }
      default:
        if (params.x !== undefined && params.y !== undefined) {
          this.cursor = { x: params.x as number, y: params.y as number };
        }
        return this.withObservation({}, params.observe);
    }
  }

  private withObservation(reply: Record<string, unknown>, observe: unknown) {
    if (!observe || this.options.dropObservation) return reply;
    const shot = this.screenshot(observe === true ? {} : (observe as Record<string, unknown>));
    return { ...reply, observation: { ...shot, settled: true, settle_ms: 40, changed: true } };
  }

  private screenshot(params: Record<string, unknown>) {
    const region = (params.region as { width: number; height: number } | undefined) ?? {
      width: this.width,
      height: this.height,
    };
    let scale = 1;
    if (typeof params.max_width === 'number')
      scale = Math.min(scale, params.max_width / region.width);
    if (typeof params.max_height === 'number')
      scale = Math.min(scale, params.max_height / region.height);
    const width = Math.max(1, Math.round(region.width * scale));
    const height = Math.max(1, Math.round(region.height * scale));
    const format = (params.format as string | undefined) ?? 'png';
    return {
      image_data: pngHeader(width, height),
      format,
      width,
      height,
      scale: width / region.width,
    };
  }
}

/** Sleeps that only record their length. */
export function recordingSleep(): { sleeps: number[]; sleep: (ms: number) => Promise<void> } {
  const sleeps: number[] = [];
  return {
    sleeps,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  };
}
