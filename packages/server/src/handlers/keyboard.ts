import {
  normalizeKey,
  resolveHotkey,
  type CommandsOfGroup,
  type NormalizedKey,
} from '@cua/computer-protocol';
import { CommandError } from '../core/command-error.js';
import type { Desktop } from '../desktop/desktop.js';
import type { Handler } from './types.js';

/** The schema already refused unknown keys; this turns the name into the engine's form. */
function key(name: string): NormalizedKey {
  const normalized = normalizeKey(name);
  if (!normalized) throw new CommandError('invalid_params', `Unknown key: ${name}`);
  return normalized;
}

export function keyboardHandlers(desktop: Desktop): {
  [N in CommandsOfGroup<'keyboard'>]: Handler<N>;
} {
  return {
    key_down: async (params) => {
      await desktop.keyDown(key(params.key));
      return {};
    },
    key_up: async (params) => {
      await desktop.keyUp(key(params.key));
      return {};
    },
    press_key: async (params) => {
      await desktop.pressKey(key(params.key));
      return {};
    },
    type_text: async ({ text }, ctx) => {
      await desktop.typeText(text, ctx.signal);
      return {};
    },
    hotkey: async ({ keys }) => {
      const resolved = resolveHotkey(keys);
      if (!resolved.ok)
        throw new CommandError('invalid_params', `Unknown key in hotkey: ${resolved.unknown}`);
      await desktop.hotkey(resolved.keys);
      return {};
    },
  };
}
