import type { CommandsOfGroup } from '@cua/computer-protocol';
import type { Desktop, MouseButtonName } from '../desktop/desktop.js';
import type { Handler } from './types.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Upstream moves only when both coordinates are given; otherwise it acts in place. */
async function moveIfGiven(desktop: Desktop, x: number | undefined, y: number | undefined) {
  if (x !== undefined && y !== undefined) await desktop.move(x, y);
}

/** About 60 pointer updates per second: smooth enough for apps that track motion. */
const STEP_MS = 16;

/**
 * Presses once, moves through the path over `durationS` (intermediate points included, so apps
 * see motion rather than a jump), releases once, even when aborted midway.
 */
async function dragAlong(
  desktop: Desktop,
  path: Array<readonly [number, number]>,
  button: MouseButtonName,
  durationS: number,
  signal: AbortSignal,
): Promise<void> {
  const lengths = path.slice(1).map(([x, y], i) => Math.hypot(x - path[i]![0], y - path[i]![1]));
  const total = lengths.reduce((a, b) => a + b, 0) || 1;
  const steps = Math.max(path.length - 1, Math.round((durationS * 1000) / STEP_MS), 2);
  const stepMs = (durationS * 1000) / steps;
  await desktop.buttonDown(button);
  try {
    for (let segment = 0; segment < lengths.length; segment++) {
      const [x0, y0] = path[segment]!;
      const [x1, y1] = path[segment + 1]!;
      const n = Math.max(1, Math.round((steps * lengths[segment]!) / total));
      for (let i = 1; i <= n; i++) {
        signal.throwIfAborted();
        await desktop.move(
          Math.round(x0 + ((x1 - x0) * i) / n),
          Math.round(y0 + ((y1 - y0) * i) / n),
        );
        if (stepMs >= 1) await sleep(stepMs);
      }
    }
  } finally {
    await desktop.buttonUp(button);
  }
}

export function mouseHandlers(desktop: Desktop): { [N in CommandsOfGroup<'mouse'>]: Handler<N> } {
  const click =
    (button: MouseButtonName, count: number) =>
    async ({ x, y }: { x?: number | undefined; y?: number | undefined }) => {
      await moveIfGiven(desktop, x, y);
      await desktop.click(button, count);
      return {};
    };
  return {
    mouse_down: async ({ x, y, button }) => {
      await moveIfGiven(desktop, x, y);
      await desktop.buttonDown(button);
      return {};
    },
    mouse_up: async ({ x, y, button }) => {
      await moveIfGiven(desktop, x, y);
      await desktop.buttonUp(button);
      return {};
    },
    left_click: click('left', 1),
    right_click: click('right', 1),
    double_click: click('left', 2),
    middle_click: click('middle', 1),
    move_cursor: async ({ x, y }) => {
      await desktop.move(x, y);
      return {};
    },
    drag_to: async ({ x, y, button, duration }, ctx) => {
      const from = await desktop.cursorPosition();
      await dragAlong(
        desktop,
        [
          [from.x, from.y],
          [x, y],
        ],
        button,
        duration,
        ctx.signal,
      );
      return {};
    },
    drag: async ({ path, button, duration }, ctx) => {
      const [first] = path;
      await desktop.move(first![0], first![1]);
      // One point is just a move, as upstream.
      if (path.length > 1) await dragAlong(desktop, path, button, duration, ctx.signal);
      return {};
    },
  };
}
