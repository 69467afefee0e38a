/** Messages between the server and its desktop worker process (Node IPC, advanced serialization). */

import type { EncodedImage, EncodeOptions, Frame } from '../media/encode-image.js';

import type { MouseButtonName, Region } from '../desktop.js';

export type { MouseButtonName, Region };

export type { Frame } from '../media/encode-image.js';

/** Everything the worker can do; each method's args and result. */
export interface WorkerMethods {
  screenSize: { args: []; result: { width: number; height: number } };
  cursorPosition: { args: []; result: { x: number; y: number } };
  grab: { args: [region?: Region]; result: Frame };
  /** Grab and encode in the worker: the server receives only the encoded bytes. */
  capture: { args: [region: Region | undefined, options: EncodeOptions]; result: EncodedImage };
  move: { args: [x: number, y: number]; result: null };
  buttonDown: { args: [button: MouseButtonName]; result: null };
  buttonUp: { args: [button: MouseButtonName]; result: null };
  click: { args: [button: MouseButtonName, count: number]; result: null };
  /** Wheel notches: dy > 0 up, dy < 0 down, dx > 0 right, dx < 0 left. */
  scroll: { args: [dx: number, dy: number]; result: null };
  typeText: { args: [text: string]; result: null };
  /** Keys by nut-js `Key` member name (see nut-keys.ts). */
  keyDown: { args: [keys: string[]]; result: null };
  keyUp: { args: [keys: string[]]; result: null };
  readClipboard: { args: []; result: string };
  writeClipboard: { args: [text: string]; result: null };
}

export type WorkerMethod = keyof WorkerMethods;

export interface WorkerRequest<M extends WorkerMethod = WorkerMethod> {
  id: number;
  method: M;
  args: WorkerMethods[M]['args'];
}

export type WorkerReply =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** The first message a worker sends: the display works and nut-js is loaded. */
export interface WorkerReady {
  ready: true;
  width: number;
  height: number;
}
