// The one place where the adapters use the server's `observe` and `batch` extensions. Both are
// reached through `computer.call()`, the one method a `ComputerLike` stand-in must have, with
// loose types, since the steps come from the providers' actions; the reply shapes are the
// protocol's (`RESULT_SHAPES.batch`, `observation` on every input command).
import type { CommandName } from '@cua/computer-protocol';
import type { Computer } from '../computer.js';
import { RESULT_SHAPES } from '../result-shapes.js';
import type { CaptureRequest, ScreenRegion } from './image-transform.js';
import { imageSize } from './image-size.js';

/** What an adapter needs of a `Computer` (tests pass a stand-in). */
export type ComputerLike = Pick<Computer, 'call'>;

/**
 * After an action, against a server without `observe`, the adapters wait this long before the
 * screenshot, so that the screen has drawn the result (a menu opened, typed text echoed).
 * With `observe`, the server waits until the screen stops changing instead.
 */
export const FALLBACK_SETTLE_MS = 500;

/** One command to send, or a pause on the client (`wait`, the hold of `hold_key`). */
export type Step = { command: CommandName; params: Record<string, unknown> } | { waitMs: number };

export interface CaptureSpec {
  format: 'png' | 'jpeg';
  /** JPEG quality. */
  quality?: number;
  /** The size to shrink to; omitted: full resolution. */
  fit?: CaptureRequest;
  /** A part of the screen (zoom); never taken through `observe`. */
  region?: ScreenRegion;
}

/** A screenshot as the providers want it: base64, with its real size. */
export interface Shot {
  base64: string;
  mediaType: 'image/png' | 'image/jpeg';
  width: number;
  height: number;
}

type LooseCall = (name: string, params: Record<string, unknown>) => Promise<unknown>;

export interface ActionRunnerOptions {
  /** Replaces FALLBACK_SETTLE_MS. */
  settleMs?: number;
  /** Replaces setTimeout-based sleeping (tests). */
  sleep?: (ms: number) => Promise<void>;
}

/** Runs the steps of one model action and takes the screenshot that answers it. */
export class ActionRunner {
  readonly observe: boolean;
  readonly batch: boolean;
  private readonly call: LooseCall;
  private readonly settleMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(computer: ComputerLike, features: readonly string[], options: ActionRunnerOptions) {
    this.call = computer.call.bind(computer) as unknown as LooseCall;
    this.observe = features.includes('observe');
    // The client must also know batch's reply shape, or it could not check the reply.
    this.batch = features.includes('batch') && Object.hasOwn(RESULT_SHAPES, 'batch');
    this.settleMs = options.settleMs ?? FALLBACK_SETTLE_MS;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Runs the steps in order (consecutive commands as one `batch` when the server has it) and,
   * with `capture`, returns the screenshot taken once the screen has settled.
   */
  async run(steps: readonly Step[], capture: CaptureSpec): Promise<Shot>;
  async run(steps: readonly Step[]): Promise<undefined>;
  async run(steps: readonly Step[], capture?: CaptureSpec): Promise<Shot | undefined> {
    const groups = groupSteps(steps);
    let observed: Shot | undefined;
    let acted = false;
    for (const [index, group] of groups.entries()) {
      observed = undefined;
      if ('waitMs' in group) {
        await this.sleep(group.waitMs);
        continue;
      }
      const last = index === groups.length - 1;
      const observe = last && capture && this.observe ? observeParams(capture) : undefined;
      observed = await this.send(group, observe);
      acted = true;
    }
    if (!capture) return undefined;
    if (observed) return observed;
    // A trailing wait already gave the screen its time.
    const endsWithWait = steps.length > 0 && 'waitMs' in steps[steps.length - 1]!;
    if (acted && !this.observe && !endsWithWait) await this.sleep(this.settleMs);
    return this.screenshot(capture);
  }

  /** A screenshot now, shrunk or cropped as asked. */
  async screenshot(capture: CaptureSpec): Promise<Shot> {
    const params: Record<string, unknown> = { format: capture.format };
    if (capture.quality !== undefined) params.quality = capture.quality;
    if (capture.fit) Object.assign(params, capture.fit);
    if (capture.region) params.region = capture.region;
    return toShot(await this.call('screenshot', params), capture);
  }

  private async send(
    commands: Extract<Step, { command: string }>[],
    observe: Record<string, unknown> | undefined,
  ): Promise<Shot | undefined> {
    let reply: unknown;
    if (commands.length > 1 && this.batch) {
      const actions = commands.map(({ command, params }) => ({ command, params }));
      const params: Record<string, unknown> = { actions, stop_on_error: true };
      if (observe) params.observe = observe;
      reply = await this.call('batch', params);
    } else {
      for (const [i, { command, params }] of commands.entries()) {
        const withObserve = observe && i === commands.length - 1 ? { ...params, observe } : params;
        reply = await this.call(command, withObserve);
      }
    }
    const observation = observe ? (reply as { observation?: unknown }).observation : undefined;
    // A server with `observe` answered, but a client whose shapes predate it dropped the field.
    return isObservation(observation) ? observationShot(observation) : undefined;
  }
}

type CommandStep = Extract<Step, { command: string }>;

function groupSteps(steps: readonly Step[]): (CommandStep[] | { waitMs: number })[] {
  const groups: (CommandStep[] | { waitMs: number })[] = [];
  for (const step of steps) {
    const previous = groups[groups.length - 1];
    if ('waitMs' in step) groups.push(step);
    else if (Array.isArray(previous)) previous.push(step);
    else groups.push([step]);
  }
  return groups;
}

function observeParams(capture: CaptureSpec): Record<string, unknown> {
  const params: Record<string, unknown> = { format: capture.format };
  if (capture.quality !== undefined) params.quality = capture.quality;
  if (capture.fit) Object.assign(params, capture.fit);
  return params;
}

interface Observation {
  image_data: string;
  format: string;
  width: number;
  height: number;
}

function isObservation(value: unknown): value is Observation {
  if (typeof value !== 'object' || value === null) return false;
  const { image_data, width, height } = value as Record<string, unknown>;
  return typeof image_data === 'string' && typeof width === 'number' && typeof height === 'number';
}

function observationShot(observation: Observation): Shot {
  return {
    base64: observation.image_data,
    mediaType: observation.format === 'jpeg' ? 'image/jpeg' : 'image/png',
    width: observation.width,
    height: observation.height,
  };
}

function toShot(reply: unknown, capture: CaptureSpec): Shot {
  const { image_data, format, width, height } = reply as {
    image_data: string;
    format: string;
    width?: number;
    height?: number;
  };
  // Upstream servers report no size (and do not scale): read it from the image itself.
  const size =
    width !== undefined && height !== undefined ? { width, height } : imageSize(image_data);
  if (!size) {
    throw new Error(`The server's ${capture.format} screenshot has no size the adapter can read`);
  }
  return {
    base64: image_data,
    mediaType: format === 'jpeg' ? 'image/jpeg' : 'image/png',
    width: size.width,
    height: size.height,
  };
}
