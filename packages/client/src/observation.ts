import type {
  CommandName,
  CommandParams,
  CommandResult,
  CommandsOfKind,
  Region,
} from '@cua/computer-protocol';
import type { CallOptions } from './call-options.js';
import { decodeReplyBytes } from './reply-parsing.js';

/** What `screenshot` and `observe` capture, beside the image format. */
export interface CaptureOptions {
  /** JPEG/WebP quality, 1..95. */
  quality?: number;
  /** Capture only this part of the screen. */
  region?: Region;
  /** Shrink by this factor, 0 < scale ≤ 1. */
  scale?: number;
  /** Shrink to fit. */
  maxWidth?: number;
  maxHeight?: number;
}

/** How long to wait for the screen to settle, and the screenshot to take then. */
export interface ObserveOptions extends CaptureOptions {
  /** Settled once the screen has not changed for this long (ms); the server's default is 100. */
  quietMs?: number;
  /** Take the screenshot after this long (ms) even if the screen still changes; default 3000. */
  timeoutMs?: number;
  format?: CommandParams<'observe'>['format'];
}

/** The screenshot taken once the screen settled after an action (or the wait timed out). */
export interface Observation {
  /** The encoded image file (PNG, JPEG or WebP). */
  data: Uint8Array;
  format: CommandResult<'observe'>['format'];
  width: number;
  height: number;
  /** Image pixels per screen pixel. */
  scale: number;
  /** The screen was quiet for quietMs; false when timeoutMs ended the wait. */
  settled: boolean;
  /** From the end of the action until the screen went quiet (or the wait ended). */
  settleMs: number;
  /** Something was drawn after the action began (a blinking caret counts). */
  changed: boolean;
}

/** `true` for the server's defaults; `false` or absent for no observation. */
export type ObserveArg = boolean | ObserveOptions;

/** The options of every input method: the call options, plus `observe`. */
export interface ActionOptions extends CallOptions {
  /** After the action, wait for the screen to settle and resolve with its screenshot. */
  observe?: ObserveArg;
}

export interface Observed {
  observation: Observation;
}

/**
 * What an input method resolves with: `{ observation }` exactly when `observe` was given
 * (`true` or options), nothing when it was not; either, when the options' type cannot tell.
 */
export type Acted<O> = 'observe' extends keyof O
  ? [O['observe' & keyof O]] extends [true | ObserveOptions]
    ? Observed
    : [O['observe' & keyof O]] extends [false | undefined]
      ? void
      : Observed | undefined
  : void;

/** The commands a batch can run: every input command of the registry but batch itself. */
export type BatchCommandName = Exclude<CommandsOfKind<'input'>, 'batch'>;

/** One action of a batch, typed from the registry (observe belongs to the whole batch). */
export type BatchAction = {
  [N in BatchCommandName]: Record<string, never> extends Omit<CommandParams<N>, 'observe'>
    ? { command: N; params?: Omit<CommandParams<N>, 'observe'> }
    : { command: N; params: Omit<CommandParams<N>, 'observe'> };
}[BatchCommandName];

export interface BatchOptions extends ActionOptions {
  /** The first failed action ends the batch and the call rejects (default true). */
  stopOnError?: boolean;
}

/** Each action's reply, in order: `{ success: true }`, or the failure with `error` and `code`. */
export type BatchReply = CommandResult<'batch'>['results'][number];

export type BatchResult<O> = { results: BatchReply[] } & (Acted<O> extends void
  ? unknown
  : Acted<O> extends Observed
    ? Observed
    : Partial<Observed>);

/** The wire form of capture options (and of anything else the object holds). */
export function captureParams<T extends CaptureOptions>({ maxWidth, maxHeight, ...same }: T) {
  return { ...same, max_width: maxWidth, max_height: maxHeight };
}

/** The wire form of `observe`. */
export function observeParam(
  observe: ObserveArg | undefined,
): CommandParams<'observe'> | boolean | undefined {
  if (observe === undefined || typeof observe === 'boolean') return observe;
  const { quietMs, timeoutMs, ...capture } = observe;
  return { ...captureParams(capture), quiet_ms: quietMs, timeout_ms: timeoutMs };
}

export function toObservation(command: CommandName, wire: CommandResult<'observe'>): Observation {
  return {
    data: decodeReplyBytes(command, wire.image_data),
    format: wire.format,
    width: wire.width,
    height: wire.height,
    scale: wire.scale,
    settled: wire.settled,
    settleMs: wire.settle_ms,
    changed: wire.changed,
  };
}

/** What an input method resolves with, from its command's result. */
export function actedResult<O>(
  command: CommandName,
  result: { observation?: CommandResult<'observe'> | undefined },
): Acted<O> {
  const acted = result.observation
    ? { observation: toObservation(command, result.observation) }
    : undefined;
  return acted as Acted<O>;
}

/** The commands that take `observe`. */
export type ObservableCommand = Exclude<
  {
    // (`string extends`: commands without params have an index signature, which has every key.)
    [N in CommandName]: string extends keyof CommandParams<N>
      ? never
      : 'observe' extends keyof CommandParams<N>
        ? N
        : never;
  }[CommandName],
  'batch'
>;
