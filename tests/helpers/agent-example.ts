import { expect } from 'vitest';
import { openRecordingTerminal, pointerPosition, windowGeometry } from './desktop.js';
import { runExample, type ExampleRun } from './examples.js';
import { startModelStandIn, type ModelStandIn, type Turn } from './model-stand-in.js';
import { openFocusedEventWindow } from './xev.js';

type Point = { x: number; y: number };

export interface TypingScene {
  /** The raw terminal's title. */
  title: string;
  /** Where the focused xev window goes: away from the terminal. */
  decoy: Point & { width: number; height: number };
  /** The target's distance from the terminal's bottom-right corner. */
  inset: Point;
  /** What the model has the example type. */
  text: string;
}

/**
 * The scene of an agent example's main test: a raw terminal, and a focused xev window elsewhere,
 * so the text reaches the terminal only if the model's click did. `act` gets the screen pixel
 * inside the terminal the model must click; afterwards the desktop must show it: the pointer
 * there (±1: one pixel of the model's image covers more than one screen pixel), exactly the text
 * in the terminal, and no click on the decoy. Both windows close whatever happens.
 */
export async function expectClickedAndTyped(
  display: string,
  scene: TypingScene,
  act: (target: Point) => Promise<void>,
): Promise<void> {
  const term = await openRecordingTerminal(display, scene.title);
  const witness = await openFocusedEventWindow(display, scene.decoy);
  try {
    const box = windowGeometry(display, term.windowId);
    const target = {
      x: box.x + box.width - scene.inset.x,
      y: box.y + box.height - scene.inset.y,
    };
    await act(target);
    const pointer = pointerPosition(display);
    expect(Math.abs(pointer.x - target.x)).toBeLessThanOrEqual(1);
    expect(Math.abs(pointer.y - target.y)).toBeLessThanOrEqual(1);
    const expected = Buffer.from(scene.text, 'utf8');
    expect((await term.waitForBytes(expected.length)).equals(expected)).toBe(true);
    expect(witness.presses()).toEqual([]);
  } finally {
    await witness.close();
    await term.close();
  }
}

/**
 * Runs an agent example against a model stand-in that plays `turns` (`env` gets the stand-in's
 * URL, for the SDK's base URL), and closes the stand-in once the example has exited.
 */
export async function runAgent(
  script: string,
  args: string[],
  env: (modelUrl: string) => Record<string, string>,
  turns: Turn[],
): Promise<{ run: ExampleRun; model: ModelStandIn }> {
  const model = await startModelStandIn(turns);
  try {
    return { run: await runExample(script, args, env(model.url)), model };
  } finally {
    await model.close();
  }
}

/** The model got what it expected at every turn, and the example finished cleanly. */
export function expectFinished({ run, model }: { run: ExampleRun; model: ModelStandIn }): void {
  expect(model.problems).toEqual([]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^done$/m);
}
