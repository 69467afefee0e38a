import type { NamedKey, NormalizedKey } from '@cua/computer-protocol';
import { CommandError } from '../../core/command-error.js';

/** Our key names as nut-js `Key` enum members (the worker looks them up by name). */
const NAMED: Record<NamedKey, string> = {
  alt: 'LeftAlt',
  alt_l: 'LeftAlt',
  alt_r: 'RightAlt',
  alt_gr: 'RightAlt',
  backspace: 'Backspace',
  caps_lock: 'CapsLock',
  cmd: 'LeftSuper',
  cmd_l: 'LeftSuper',
  cmd_r: 'RightSuper',
  ctrl: 'LeftControl',
  ctrl_l: 'LeftControl',
  ctrl_r: 'RightControl',
  delete: 'Delete',
  down: 'Down',
  end: 'End',
  enter: 'Enter',
  esc: 'Escape',
  f1: 'F1',
  f2: 'F2',
  f3: 'F3',
  f4: 'F4',
  f5: 'F5',
  f6: 'F6',
  f7: 'F7',
  f8: 'F8',
  f9: 'F9',
  f10: 'F10',
  f11: 'F11',
  f12: 'F12',
  f13: 'F13',
  f14: 'F14',
  f15: 'F15',
  f16: 'F16',
  f17: 'F17',
  f18: 'F18',
  f19: 'F19',
  f20: 'F20',
  home: 'Home',
  left: 'Left',
  page_down: 'PageDown',
  page_up: 'PageUp',
  right: 'Right',
  shift: 'LeftShift',
  shift_l: 'LeftShift',
  shift_r: 'RightShift',
  space: 'Space',
  tab: 'Tab',
  up: 'Up',
  insert: 'Insert',
  menu: 'Menu',
  num_lock: 'NumLock',
  pause: 'Pause',
  print_screen: 'Print',
  scroll_lock: 'ScrollLock',
  media_play_pause: 'AudioPlay',
  media_volume_mute: 'AudioMute',
  media_volume_down: 'AudioVolDown',
  media_volume_up: 'AudioVolUp',
  media_previous: 'AudioPrev',
  media_next: 'AudioNext',
};

const PUNCTUATION: Record<string, string> = {
  '-': 'Minus',
  '=': 'Equal',
  '[': 'LeftBracket',
  ']': 'RightBracket',
  '\\': 'Backslash',
  ';': 'Semicolon',
  "'": 'Quote',
  ',': 'Comma',
  '.': 'Period',
  '/': 'Slash',
  '`': 'Grave',
  ' ': 'Space',
};

/**
 * The nut-js key for one of ours. nut-js has keys, not characters: a character is the key that
 * types it unshifted (a–z, 0–9, US punctuation); any other character cannot be held or combined
 * on this backend and is refused with `unsupported`.
 */
export function nutKeyOf(key: NormalizedKey): string {
  if (key.kind === 'named') return NAMED[key.name];
  const { char } = key;
  if (/^[a-z]$/.test(char)) return char.toUpperCase();
  if (/^[0-9]$/.test(char)) return `Num${char}`;
  const punctuation = PUNCTUATION[char];
  if (punctuation !== undefined) return punctuation;
  throw new CommandError(
    'unsupported',
    `The nut-js backend cannot press '${char}' as a key (only a–z, 0–9 and US punctuation); ` +
      'type it with type_text, or use the x11 backend',
  );
}
