/**
 * Key names accepted by `press_key`, `key_down`, `key_up` and `hotkey`.
 *
 * Upstream servers disagree on spelling (pynput, xdotool, DOM `KeyboardEvent.key`, free-form
 * "Page Down"), and clients written against any of them must keep working, so we accept the union
 * and reduce it to one canonical vocabulary: the pynput `Key` member names.
 */

import { splitHotkey } from './hotkey.js';

export const NAMED_KEYS = [
  'alt',
  'alt_l',
  'alt_r',
  'alt_gr',
  'backspace',
  'caps_lock',
  'cmd',
  'cmd_l',
  'cmd_r',
  'ctrl',
  'ctrl_l',
  'ctrl_r',
  'delete',
  'down',
  'end',
  'enter',
  'esc',
  'f1',
  'f2',
  'f3',
  'f4',
  'f5',
  'f6',
  'f7',
  'f8',
  'f9',
  'f10',
  'f11',
  'f12',
  'f13',
  'f14',
  'f15',
  'f16',
  'f17',
  'f18',
  'f19',
  'f20',
  'home',
  'left',
  'page_down',
  'page_up',
  'right',
  'shift',
  'shift_l',
  'shift_r',
  'space',
  'tab',
  'up',
  'insert',
  'menu',
  'num_lock',
  'pause',
  'print_screen',
  'scroll_lock',
  'media_play_pause',
  'media_volume_mute',
  'media_volume_down',
  'media_volume_up',
  'media_previous',
  'media_next',
] as const;

export type NamedKey = (typeof NAMED_KEYS)[number];

export type NormalizedKey = { kind: 'named'; name: NamedKey } | { kind: 'char'; char: string };

/**
 * Alternative spellings, written in lookup form (lower case, `_` for any space or hyphen) because
 * that is what `lookupForm` reduces input to before consulting the table.
 */
const ALIASES: Partial<Record<NamedKey, readonly string[]>> = {
  alt: ['option', 'opt'],
  alt_gr: ['altgr', 'altgraph'],
  backspace: ['bsp', 'back_space'],
  caps_lock: ['capslock', 'caps'],
  cmd: ['command', 'meta', 'super', 'win', 'windows'],
  ctrl: ['control', 'ctl'],
  delete: ['del'],
  down: ['arrowdown', 'arrow_down'],
  enter: ['return'],
  esc: ['escape'],
  insert: ['ins'],
  left: ['arrowleft', 'arrow_left'],
  menu: ['apps', 'context_menu', 'contextmenu'],
  num_lock: ['numlock'],
  page_down: ['pagedown', 'pgdn', 'pg_dn'],
  page_up: ['pageup', 'pgup', 'pg_up'],
  pause: ['break'],
  print_screen: ['printscreen', 'prtsc', 'print', 'prtscr'],
  right: ['arrowright', 'arrow_right'],
  scroll_lock: ['scrolllock'],
  space: ['spacebar'],
  up: ['arrowup', 'arrow_up'],
  // The DOM `Audio*` / `Media*` names are what browsers report for the hardware media keys.
  media_play_pause: ['play_pause', 'playpause', 'mediaplaypause'],
  media_volume_mute: ['mute', 'volume_mute', 'volumemute', 'audiovolumemute'],
  media_volume_down: ['volume_down', 'volumedown', 'audiovolumedown'],
  media_volume_up: ['volume_up', 'volumeup', 'audiovolumeup'],
  media_previous: ['prev_track', 'previous_track', 'prevtrack', 'mediatrackprevious'],
  media_next: ['next_track', 'nexttrack', 'mediatracknext'],
};

// Sided modifiers come in too many shapes (lctrl, ctrl_left, left ctrl, ControlLeft) to list by
// hand, so they are generated from every base spelling crossed with every side spelling.
const SIDED_MODIFIERS = {
  alt: ['alt', 'option', 'opt'],
  cmd: ['cmd', 'command', 'meta', 'super', 'win'],
  ctrl: ['ctrl', 'control', 'ctl'],
  shift: ['shift'],
} as const;

const SIDES = { l: 'left', r: 'right' } as const;

function sidedAliases(): [string, NamedKey][] {
  const out: [string, NamedKey][] = [];
  for (const [base, spellings] of Object.entries(SIDED_MODIFIERS)) {
    for (const [short, long] of Object.entries(SIDES)) {
      const target = `${base}_${short}` as NamedKey;
      for (const s of spellings) {
        out.push(
          [`${s}_${short}`, target],
          [`${s}_${long}`, target],
          [`${s}${long}`, target],
          [`${short}${s}`, target],
          [`${long}_${s}`, target],
        );
      }
    }
  }
  return out;
}

// Single code points that name a key rather than type themselves. Everything else of length one
// is a literal character, case and all, because `A` and `a` are different requests.
const SPECIAL_CHARS: ReadonlyMap<string, NamedKey> = new Map<string, NamedKey>([
  [' ', 'space'],
  ['\n', 'enter'],
  ['\r', 'enter'],
  ['\t', 'tab'],
  ['\b', 'backspace'],
  ['\x1b', 'esc'],
  ['\x7f', 'delete'],
  ['⌘', 'cmd'],
  ['⌥', 'alt'],
]);

function buildLookup(): ReadonlyMap<string, NamedKey> {
  const map = new Map<string, NamedKey>();
  const add = (spelling: string, name: NamedKey): void => {
    const existing = map.get(spelling);
    // A clash would silently make one key unreachable; fail loudly at import so tests catch it.
    if (existing !== undefined && existing !== name) {
      throw new Error(`key alias '${spelling}' maps to both '${existing}' and '${name}'`);
    }
    map.set(spelling, name);
  };
  for (const name of NAMED_KEYS) add(name, name);
  for (const [name, spellings] of Object.entries(ALIASES)) {
    for (const s of spellings) add(s, name as NamedKey);
  }
  for (const [spelling, name] of sidedAliases()) add(spelling, name);
  return map;
}

const LOOKUP = buildLookup();

// The four modifier families, either side (and AltGr); locks such as caps_lock are not held.
const MODIFIERS: ReadonlySet<NamedKey> = new Set(
  NAMED_KEYS.filter((name) => /^(alt|cmd|ctrl|shift)(_|$)/.test(name)),
);

// Lone surrogates cannot be typed, and other control characters have no portable key.
const UNTYPEABLE_CHAR = /^[\p{Cc}\p{Cs}]$/u;

function isSingleCodePoint(s: string): boolean {
  const cp = s.codePointAt(0);
  if (cp === undefined) return false;
  return s.length === (cp > 0xffff ? 2 : 1);
}

function normalizeChar(char: string): NormalizedKey | null {
  const special = SPECIAL_CHARS.get(char);
  if (special !== undefined) return { kind: 'named', name: special };
  if (UNTYPEABLE_CHAR.test(char)) return null;
  return { kind: 'char', char };
}

function lookupForm(name: string): string {
  return name.toLowerCase().replace(/[ -]/g, '_');
}

/** Resolves any accepted spelling to a canonical key; `null` means the key is unknown. */
export function normalizeKey(input: string): NormalizedKey | null {
  if (isSingleCodePoint(input)) return normalizeChar(input);
  const trimmed = input.trim();
  if (trimmed === '') return null;
  // Padding is forgiven but must not lower-case a character: ' A ' still means 'A'.
  if (isSingleCodePoint(trimmed)) return normalizeChar(trimmed);
  const name = LOOKUP.get(lookupForm(trimmed));
  return name === undefined ? null : { kind: 'named', name };
}

export function isModifierKey(name: NamedKey): boolean {
  return MODIFIERS.has(name);
}

/** Resolves every key of a hotkey, reporting the first unknown one exactly as it was split. */
export function resolveHotkey(
  keys: string | readonly string[],
): { ok: true; keys: NormalizedKey[] } | { ok: false; unknown: string } {
  const resolved: NormalizedKey[] = [];
  for (const key of splitHotkey(keys)) {
    const normalized = normalizeKey(key);
    if (normalized === null) return { ok: false, unknown: key };
    resolved.push(normalized);
  }
  return { ok: true, keys: resolved };
}
