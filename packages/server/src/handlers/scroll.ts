import type { CommandsOfGroup } from '@cua/computer-protocol';
import type { Desktop } from '../desktop/desktop.js';
import type { Handler } from './types.js';

export function scrollHandlers(desktop: Desktop): { [N in CommandsOfGroup<'scroll'>]: Handler<N> } {
  const scroll = async (dx: number, dy: number) => {
    await desktop.scroll(dx, dy);
    return {};
  };
  return {
    scroll: ({ x, y }) => scroll(x, y),
    scroll_down: ({ clicks }) => scroll(0, -Math.abs(clicks)),
    scroll_up: ({ clicks }) => scroll(0, Math.abs(clicks)),
    scroll_direction: ({ direction, clicks }) => {
      const n = Math.abs(clicks);
      // One notch per click sideways too: upstream's 300 per click is a bug (300 notches on X11).
      if (direction === 'up') return scroll(0, n);
      if (direction === 'down') return scroll(0, -n);
      return scroll(direction === 'right' ? n : -n, 0);
    },
  };
}
