import type { NamedKey } from '@cua/computer-protocol';
import { ToolInputError } from './tool-input-error.js';

// Key names as OpenAI's `keypress` (`CTRL`, `ENTER`, `ARROWDOWN`) and Gemini's
// `key_combination` (`Control`, `Enter`, `ArrowDown`, DOM `KeyboardEvent.key` names) write
// them, in lower case, to our key names.
const NAMED: Readonly<Record<string, NamedKey>> = {
  ctrl: 'ctrl',
  control: 'ctrl',
  controlleft: 'ctrl_l',
  controlright: 'ctrl_r',
  shift: 'shift',
  shiftleft: 'shift_l',
  shiftright: 'shift_r',
  alt: 'alt',
  option: 'alt',
  altleft: 'alt_l',
  altright: 'alt_r',
  altgraph: 'alt_gr',
  meta: 'cmd',
  cmd: 'cmd',
  command: 'cmd',
  super: 'cmd',
  win: 'cmd',
  os: 'cmd',
  metaleft: 'cmd_l',
  metaright: 'cmd_r',
  enter: 'enter',
  return: 'enter',
  tab: 'tab',
  esc: 'esc',
  escape: 'esc',
  space: 'space',
  backspace: 'backspace',
  delete: 'delete',
  del: 'delete',
  insert: 'insert',
  home: 'home',
  end: 'end',
  pageup: 'page_up',
  pagedown: 'page_down',
  up: 'up',
  arrowup: 'up',
  down: 'down',
  arrowdown: 'down',
  left: 'left',
  arrowleft: 'left',
  right: 'right',
  arrowright: 'right',
  capslock: 'caps_lock',
  numlock: 'num_lock',
  scrolllock: 'scroll_lock',
  printscreen: 'print_screen',
  pause: 'pause',
  contextmenu: 'menu',
  menu: 'menu',
};

/**
 * One web-style key name as our key name. A single letter is the key, not the character: `A`
 * is the A key, so `['CTRL', 'A']` is ctrl+a and not ctrl+shift+a.
 */
export function webKey(name: string): string {
  if (typeof name !== 'string' || name === '') throw new ToolInputError('a key name is empty');
  if ([...name].length === 1) return /^[A-Z]$/.test(name) ? name.toLowerCase() : name;
  const lower = name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, '');
  const named = NAMED[lower];
  if (named) return named;
  const fKey = /^f([1-9]|1\d|20)$/.exec(lower);
  if (fKey) return `f${fKey[1]}`;
  throw new ToolInputError(`unknown key ${JSON.stringify(name)}`);
}

/** A list of keys to press together, as our key names. */
export function webKeys(keys: unknown): string[] {
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new ToolInputError('keys must be a non-empty list of key names');
  }
  return keys.map((key) => webKey(key as string));
}
