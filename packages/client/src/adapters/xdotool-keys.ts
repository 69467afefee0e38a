import type { NamedKey } from '@cua/computer-protocol';
import { splitHotkey } from '@cua/computer-protocol/wire';
import { ToolInputError } from './tool-input-error.js';

// X keysym names as xdotool takes them (and as Anthropic's computer tool writes them), in lower
// case, to our key names. A keysym that types a character maps to that character.
const NAMED: Readonly<Record<string, NamedKey>> = {
  return: 'enter',
  enter: 'enter',
  kp_enter: 'enter',
  linefeed: 'enter',
  tab: 'tab',
  kp_tab: 'tab',
  escape: 'esc',
  esc: 'esc',
  backspace: 'backspace',
  delete: 'delete',
  kp_delete: 'delete',
  insert: 'insert',
  kp_insert: 'insert',
  home: 'home',
  kp_home: 'home',
  end: 'end',
  kp_end: 'end',
  page_up: 'page_up',
  prior: 'page_up',
  kp_page_up: 'page_up',
  kp_prior: 'page_up',
  page_down: 'page_down',
  next: 'page_down',
  kp_page_down: 'page_down',
  kp_next: 'page_down',
  up: 'up',
  kp_up: 'up',
  down: 'down',
  kp_down: 'down',
  left: 'left',
  kp_left: 'left',
  right: 'right',
  kp_right: 'right',
  space: 'space',
  kp_space: 'space',
  ctrl: 'ctrl',
  control: 'ctrl',
  control_l: 'ctrl_l',
  control_r: 'ctrl_r',
  shift: 'shift',
  shift_l: 'shift_l',
  shift_r: 'shift_r',
  alt: 'alt',
  alt_l: 'alt_l',
  alt_r: 'alt_r',
  meta: 'cmd',
  meta_l: 'cmd_l',
  meta_r: 'cmd_r',
  super: 'cmd',
  super_l: 'cmd_l',
  super_r: 'cmd_r',
  cmd: 'cmd',
  win: 'cmd',
  iso_level3_shift: 'alt_gr',
  mode_switch: 'alt_gr',
  caps_lock: 'caps_lock',
  num_lock: 'num_lock',
  scroll_lock: 'scroll_lock',
  print: 'print_screen',
  sys_req: 'print_screen',
  pause: 'pause',
  break: 'pause',
  menu: 'menu',
  xf86audioplay: 'media_play_pause',
  xf86audiopause: 'media_play_pause',
  xf86audiomute: 'media_volume_mute',
  xf86audiolowervolume: 'media_volume_down',
  xf86audioraisevolume: 'media_volume_up',
  xf86audioprev: 'media_previous',
  xf86audionext: 'media_next',
};

const CHARACTERS: Readonly<Record<string, string>> = {
  minus: '-',
  plus: '+',
  equal: '=',
  comma: ',',
  period: '.',
  slash: '/',
  backslash: '\\',
  semicolon: ';',
  colon: ':',
  apostrophe: "'",
  quoteright: "'",
  quotedbl: '"',
  grave: '`',
  quoteleft: '`',
  asciitilde: '~',
  exclam: '!',
  at: '@',
  numbersign: '#',
  dollar: '$',
  percent: '%',
  asciicircum: '^',
  ampersand: '&',
  asterisk: '*',
  parenleft: '(',
  parenright: ')',
  underscore: '_',
  bracketleft: '[',
  bracketright: ']',
  braceleft: '{',
  braceright: '}',
  bar: '|',
  less: '<',
  greater: '>',
  question: '?',
  kp_add: '+',
  kp_subtract: '-',
  kp_multiply: '*',
  kp_divide: '/',
  kp_decimal: '.',
  kp_separator: ',',
  kp_equal: '=',
};

/**
 * One xdotool key name as our key name: `Return` → `enter`, `KP_Enter` → `enter`, `Page_Down`
 * → `page_down`, `F5` → `f5`, `KP_7` → `7`, `minus` → `-`, `a` → `a`. Names are
 * case-insensitive; a single character is kept as it is (`A` is a capital A, as in xdotool).
 * Throws ToolInputError for a name we have no key for.
 */
export function xdotoolKey(name: string): string {
  if ([...name].length === 1) return name;
  const lower = name.trim().toLowerCase();
  const named = NAMED[lower];
  if (named) return named;
  const char = CHARACTERS[lower];
  if (char) return char;
  const fKey = /^(?:kp_)?f([1-9]|1\d|20)$/.exec(lower);
  if (fKey) return `f${fKey[1]}`;
  const digit = /^kp_(\d)$/.exec(lower);
  if (digit) return digit[1]!;
  throw new ToolInputError(`unknown key ${JSON.stringify(name)}`);
}

/** An xdotool combination (`ctrl+shift+t`, `alt+Tab`, `ctrl+plus`) as our key names. */
export function xdotoolCombo(combo: string): string[] {
  if (typeof combo !== 'string' || combo.trim() === '') {
    throw new ToolInputError('text must name a key or a combination such as "ctrl+s"');
  }
  return splitHotkey(combo.trim()).map((key) => {
    if (key === '') throw new ToolInputError(`malformed key combination ${JSON.stringify(combo)}`);
    return xdotoolKey(key);
  });
}
