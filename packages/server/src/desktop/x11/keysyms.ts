import type { NamedKey } from '@cua/computer-protocol';

/** X keysyms (from X11/keysymdef.h and XF86keysym.h) used by the keyboard engine. */
export const KEYSYM = {
  BackSpace: 0xff08,
  Tab: 0xff09,
  Return: 0xff0d,
  Pause: 0xff13,
  Scroll_Lock: 0xff14,
  Escape: 0xff1b,
  Home: 0xff50,
  Left: 0xff51,
  Up: 0xff52,
  Right: 0xff53,
  Down: 0xff54,
  Prior: 0xff55,
  Next: 0xff56,
  End: 0xff57,
  Print: 0xff61,
  Insert: 0xff63,
  Menu: 0xff67,
  Num_Lock: 0xff7f,
  F1: 0xffbe,
  Shift_L: 0xffe1,
  Shift_R: 0xffe2,
  Control_L: 0xffe3,
  Control_R: 0xffe4,
  Caps_Lock: 0xffe5,
  Alt_L: 0xffe9,
  Alt_R: 0xffea,
  Super_L: 0xffeb,
  Super_R: 0xffec,
  Delete: 0xffff,
  ISO_Level3_Shift: 0xfe03,
  space: 0x20,
  XF86AudioLowerVolume: 0x1008ff11,
  XF86AudioMute: 0x1008ff12,
  XF86AudioRaiseVolume: 0x1008ff13,
  XF86AudioPlay: 0x1008ff14,
  XF86AudioPrev: 0x1008ff16,
  XF86AudioNext: 0x1008ff17,
} as const;

// F1…F35 are consecutive keysyms.
const functionKey = (n: number): number => KEYSYM.F1 + n - 1;

/** Keysym of every canonical key name of `@cua/computer-protocol`'s `NAMED_KEYS`. */
export const NAMED_KEY_KEYSYMS: Readonly<Record<NamedKey, number>> = {
  alt: KEYSYM.Alt_L,
  alt_l: KEYSYM.Alt_L,
  alt_r: KEYSYM.Alt_R,
  alt_gr: KEYSYM.ISO_Level3_Shift,
  backspace: KEYSYM.BackSpace,
  caps_lock: KEYSYM.Caps_Lock,
  // pynput's `cmd` is the Super ("Windows") key on Linux.
  cmd: KEYSYM.Super_L,
  cmd_l: KEYSYM.Super_L,
  cmd_r: KEYSYM.Super_R,
  ctrl: KEYSYM.Control_L,
  ctrl_l: KEYSYM.Control_L,
  ctrl_r: KEYSYM.Control_R,
  delete: KEYSYM.Delete,
  down: KEYSYM.Down,
  end: KEYSYM.End,
  enter: KEYSYM.Return,
  esc: KEYSYM.Escape,
  f1: functionKey(1),
  f2: functionKey(2),
  f3: functionKey(3),
  f4: functionKey(4),
  f5: functionKey(5),
  f6: functionKey(6),
  f7: functionKey(7),
  f8: functionKey(8),
  f9: functionKey(9),
  f10: functionKey(10),
  f11: functionKey(11),
  f12: functionKey(12),
  f13: functionKey(13),
  f14: functionKey(14),
  f15: functionKey(15),
  f16: functionKey(16),
  f17: functionKey(17),
  f18: functionKey(18),
  f19: functionKey(19),
  f20: functionKey(20),
  home: KEYSYM.Home,
  left: KEYSYM.Left,
  page_down: KEYSYM.Next,
  page_up: KEYSYM.Prior,
  right: KEYSYM.Right,
  shift: KEYSYM.Shift_L,
  shift_l: KEYSYM.Shift_L,
  shift_r: KEYSYM.Shift_R,
  space: KEYSYM.space,
  tab: KEYSYM.Tab,
  up: KEYSYM.Up,
  insert: KEYSYM.Insert,
  menu: KEYSYM.Menu,
  num_lock: KEYSYM.Num_Lock,
  pause: KEYSYM.Pause,
  print_screen: KEYSYM.Print,
  scroll_lock: KEYSYM.Scroll_Lock,
  media_play_pause: KEYSYM.XF86AudioPlay,
  media_volume_mute: KEYSYM.XF86AudioMute,
  media_volume_down: KEYSYM.XF86AudioLowerVolume,
  media_volume_up: KEYSYM.XF86AudioRaiseVolume,
  media_previous: KEYSYM.XF86AudioPrev,
  media_next: KEYSYM.XF86AudioNext,
};

export function keysymForNamedKey(name: NamedKey): number {
  return NAMED_KEY_KEYSYMS[name];
}

// Control characters that stand for a key, as in the protocol's key-name table.
const CONTROL_CHAR_KEYSYMS: ReadonlyMap<string, number> = new Map([
  ['\n', KEYSYM.Return],
  ['\r', KEYSYM.Return],
  ['\t', KEYSYM.Tab],
  ['\b', KEYSYM.BackSpace],
  ['\x1b', KEYSYM.Escape],
  ['\x7f', KEYSYM.Delete],
]);

const UNICODE_KEYSYM_OFFSET = 0x01000000;

/**
 * Keysym that types `char` (one code point). Latin-1 printable characters are their own keysyms;
 * everything else uses the Unicode keysym range, which clients translate back to the code point.
 * Returns `null` for what no key produces: other control characters and lone surrogates.
 */
export function keysymForChar(char: string): number | null {
  const special = CONTROL_CHAR_KEYSYMS.get(char);
  if (special !== undefined) return special;
  const cp = char.codePointAt(0);
  if (cp === undefined || char.length !== (cp > 0xffff ? 2 : 1)) return null;
  if ((cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff)) return cp;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return null;
  if (cp >= 0xd800 && cp <= 0xdfff) return null;
  return UNICODE_KEYSYM_OFFSET + cp;
}
