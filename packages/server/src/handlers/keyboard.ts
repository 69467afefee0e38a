import type { CommandsOfGroup } from '@cua/computer-protocol';
import type { Desktop } from '../desktop/desktop.js';
import type { Handler } from './types.js';

/** Keys arrive normalised: the schema has refused unknown ones and turned names into keys. */
export function keyboardHandlers(desktop: Desktop): {
  [N in CommandsOfGroup<'keyboard'>]: Handler<N>;
} {
  return {
    key_down: async ({ key }) => {
      await desktop.keyDown(key);
      return {};
    },
    key_up: async ({ key }) => {
      await desktop.keyUp(key);
      return {};
    },
    press_key: async ({ key }) => {
      await desktop.pressKey(key);
      return {};
    },
    type_text: async ({ text }, ctx) => {
      await desktop.typeText(text, ctx.signal);
      return {};
    },
    hotkey: async ({ keys }) => {
      await desktop.hotkey(keys);
      return {};
    },
  };
}
