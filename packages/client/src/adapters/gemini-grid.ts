import type { ImageBudget, Size } from './image-transform.js';
import { ToolInputError } from './tool-input-error.js';

/** Gemini points on a 1000 x 1000 grid over the screenshot, whatever its size. */
export const GEMINI_GRID = 1000;

/** The screenshot size Gemini's computer-use guide recommends; screenshots fit inside it. */
export const GEMINI_BUDGET: ImageBudget = { maxWidth: 1440, maxHeight: 900 };

/**
 * A grid point as a screen pixel. Grid cell `n` covers `[n·S/1000, (n+1)·S/1000)` of the
 * screen; the point goes to its middle. The screenshot shows the whole screen, so its own size
 * does not enter.
 */
export function gridToScreen(x: unknown, y: unknown, screen: Size): { x: number; y: number } {
  return { x: axis(x, 'x', screen.width), y: axis(y, 'y', screen.height) };
}

/** A distance on the grid (`magnitude`) in screen pixels along an axis of `length`. */
export function gridDistance(value: number, length: number): number {
  return (value * length) / GEMINI_GRID;
}

function axis(value: unknown, name: string, length: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ToolInputError(`${name} must be a number from 0 to 999`);
  }
  if (value < 0 || value > GEMINI_GRID - 1) {
    throw new ToolInputError(`${name} = ${value} is off the 0-999 grid`);
  }
  const cell = Math.floor(value);
  return Math.min(length - 1, Math.floor(((cell + 0.5) * length) / GEMINI_GRID));
}
