import type { CommandsOfGroup } from '@cua/computer-protocol';
import type { Desktop } from '../desktop/desktop.js';
import type { Handler } from './types.js';

export function scrollHandlers(desktop: Desktop): { [N in CommandsOfGroup<'scroll'>]: Handler<N> } {
  const scroll = async (dx: number, dy: number, signal: AbortSignal) => {
    await desktop.scroll(dx, dy, signal);
    return {};
  };
  return {
    scroll: ({ x, y }, ctx) => scroll(x, y, ctx.signal),
    scroll_down: ({ clicks }, ctx) => scroll(0, -Math.abs(clicks), ctx.signal),
    scroll_up: ({ clicks }, ctx) => scroll(0, Math.abs(clicks), ctx.signal),
    scroll_direction: ({ direction, clicks }, ctx) => {
      const n = Math.abs(clicks);
      // One notch per click sideways too: upstream's 300 per click is a bug (300 notches on X11).
      if (direction === 'up') return scroll(0, n, ctx.signal);
      if (direction === 'down') return scroll(0, -n, ctx.signal);
      return scroll(direction === 'right' ? n : -n, 0, ctx.signal);
    },
  };
}
