import type { Step } from './action-runner.js';
import { ToolInputError } from './tool-input-error.js';

/** Presses keys together: one key alone, or as a hotkey. */
export function pressSteps(keys: readonly string[]): Step[] {
  return keys.length === 1
    ? [{ command: 'press_key', params: { key: keys[0] } }]
    : [{ command: 'hotkey', params: { keys: [...keys] } }];
}

/** Holds `keys` down around `steps` (modifiers during a click, a scroll, a drag). */
export function withKeysHeld(keys: readonly string[], steps: Step[]): Step[] {
  if (keys.length === 0) return steps;
  return [
    ...keys.map((key): Step => ({ command: 'key_down', params: { key } })),
    ...steps,
    ...[...keys].reverse().map((key): Step => ({ command: 'key_up', params: { key } })),
  ];
}

/** Scrolls by wheel notches at a screen point: `x` > 0 right, `y` > 0 down (as models say). */
export function scrollSteps(at: { x: number; y: number }, x: number, y: number): Step[] {
  const steps: Step[] = [{ command: 'move_cursor', params: at }];
  // Our `scroll` counts up as positive; every provider counts down as positive.
  if (x !== 0 || y !== 0) steps.push({ command: 'scroll', params: { x, y: -y } });
  return steps;
}

/** A number of seconds from the model as milliseconds, within 0..maxSeconds. */
export function secondsToMs(value: unknown, field: string, maxSeconds: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > maxSeconds) {
    throw new ToolInputError(`${field} must be a number of seconds from 0 to ${maxSeconds}`);
  }
  return Math.round(value * 1000);
}

/** A required string field. */
export function stringField(input: Record<string, unknown>, field: string): string {
  const value = input[field];
  if (typeof value !== 'string') throw new ToolInputError(`${field} must be a string`);
  return value;
}

/** A required numeric field. */
export function numberField(input: Record<string, unknown>, field: string): number {
  const value = input[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ToolInputError(`${field} must be a number`);
  }
  return value;
}

/** The model's input as an object, whatever it sent. */
export function inputObject(input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ToolInputError('the tool input must be an object');
  }
  return input as Record<string, unknown>;
}
