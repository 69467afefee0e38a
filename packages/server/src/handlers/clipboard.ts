import type { CommandsOfGroup } from '@cua/computer-protocol';
import type { Desktop } from '../desktop/desktop.js';
import type { Handler } from './types.js';

export function clipboardHandlers(desktop: Desktop): {
  [N in CommandsOfGroup<'clipboard'>]: Handler<N>;
} {
  return {
    copy_to_clipboard: async () => ({ content: await desktop.readClipboard() }),
    set_clipboard: async ({ text }) => {
      await desktop.writeClipboard(text);
      return {};
    },
  };
}
