import { describe, expect, it } from 'vitest';

import type { NamedKey, NormalizedKey } from './keys.js';
import { NAMED_KEYS, normalizeKey, resolveHotkey } from './keys.js';

const named = (name: NamedKey): NormalizedKey => ({ kind: 'named', name });
const char = (c: string): NormalizedKey => ({ kind: 'char', char: c });

describe('NAMED_KEYS', () => {
  it('lists every canonical name once, f1 through f20 included', () => {
    expect(new Set(NAMED_KEYS).size).toBe(NAMED_KEYS.length);
    expect(NAMED_KEYS).toHaveLength(60);
    for (let n = 1; n <= 20; n++) expect(NAMED_KEYS).toContain(`f${n}`);
  });

  it.each(NAMED_KEYS.map((name) => [name]))('%s round-trips to itself', (name) => {
    expect(normalizeKey(name)).toEqual(named(name));
  });

  it.each(NAMED_KEYS.map((name) => [name]))('%s matches in upper case too', (name) => {
    expect(normalizeKey(name.toUpperCase())).toEqual(named(name));
  });
});

describe('normalizeKey aliases', () => {
  const aliases: [string, NamedKey][] = [
    ['return', 'enter'],
    ['escape', 'esc'],
    ['del', 'delete'],
    ['pagedown', 'page_down'],
    ['pgdn', 'page_down'],
    ['page down', 'page_down'],
    ['page-down', 'page_down'],
    ['pg_dn', 'page_down'],
    ['pageup', 'page_up'],
    ['pgup', 'page_up'],
    ['page up', 'page_up'],
    ['page-up', 'page_up'],
    ['control', 'ctrl'],
    ['ctl', 'ctrl'],
    ['command', 'cmd'],
    ['meta', 'cmd'],
    ['super', 'cmd'],
    ['win', 'cmd'],
    ['windows', 'cmd'],
    ['⌘', 'cmd'],
    ['option', 'alt'],
    ['opt', 'alt'],
    ['⌥', 'alt'],
    ['altgr', 'alt_gr'],
    ['capslock', 'caps_lock'],
    ['caps', 'caps_lock'],
    ['ins', 'insert'],
    ['bsp', 'backspace'],
    ['back_space', 'backspace'],
    ['arrowup', 'up'],
    ['arrow_up', 'up'],
    ['arrowdown', 'down'],
    ['arrow_down', 'down'],
    ['arrowleft', 'left'],
    ['arrow_left', 'left'],
    ['arrowright', 'right'],
    ['arrow_right', 'right'],
    ['numlock', 'num_lock'],
    ['scrolllock', 'scroll_lock'],
    ['printscreen', 'print_screen'],
    ['prtsc', 'print_screen'],
    ['print', 'print_screen'],
    ['prtscr', 'print_screen'],
    ['print screen', 'print_screen'],
    ['spacebar', 'space'],
    ['lctrl', 'ctrl_l'],
    ['rctrl', 'ctrl_r'],
    ['lshift', 'shift_l'],
    ['rshift', 'shift_r'],
    ['lalt', 'alt_l'],
    ['ralt', 'alt_r'],
    ['lcmd', 'cmd_l'],
    ['rcmd', 'cmd_r'],
    ['ctrl_left', 'ctrl_l'],
    ['ctrl_right', 'ctrl_r'],
    ['shift_left', 'shift_l'],
    ['shift_right', 'shift_r'],
    ['alt_left', 'alt_l'],
    ['alt_right', 'alt_r'],
    ['cmd_left', 'cmd_l'],
    ['cmd_right', 'cmd_r'],
    ['left ctrl', 'ctrl_l'],
    ['pause', 'pause'],
    ['break', 'pause'],
    ['apps', 'menu'],
    ['context_menu', 'menu'],
    ['volume_up', 'media_volume_up'],
    ['volumeup', 'media_volume_up'],
    ['volume_down', 'media_volume_down'],
    ['volumedown', 'media_volume_down'],
    ['mute', 'media_volume_mute'],
    ['volume_mute', 'media_volume_mute'],
    ['play_pause', 'media_play_pause'],
    ['playpause', 'media_play_pause'],
    ['next_track', 'media_next'],
    ['prev_track', 'media_previous'],
    ['previous_track', 'media_previous'],
  ];

  it.each(aliases)('%j -> %s', (input, expected) => {
    expect(normalizeKey(input)).toEqual(named(expected));
  });

  const domKeys: [string, NamedKey][] = [
    ['Enter', 'enter'],
    ['Escape', 'esc'],
    ['Backspace', 'backspace'],
    ['Delete', 'delete'],
    ['Tab', 'tab'],
    ['ArrowUp', 'up'],
    ['ArrowDown', 'down'],
    ['ArrowLeft', 'left'],
    ['ArrowRight', 'right'],
    ['PageUp', 'page_up'],
    ['PageDown', 'page_down'],
    ['Home', 'home'],
    ['End', 'end'],
    ['Insert', 'insert'],
    ['Control', 'ctrl'],
    ['Shift', 'shift'],
    ['Alt', 'alt'],
    ['Meta', 'cmd'],
    ['CapsLock', 'caps_lock'],
    ['ContextMenu', 'menu'],
    ['PrintScreen', 'print_screen'],
    ['ScrollLock', 'scroll_lock'],
    ['NumLock', 'num_lock'],
    ['AltGraph', 'alt_gr'],
    ['AudioVolumeUp', 'media_volume_up'],
    ['MediaPlayPause', 'media_play_pause'],
    [' ', 'space'],
  ];

  it.each(domKeys)('DOM key %j -> %s', (input, expected) => {
    expect(normalizeKey(input)).toEqual(named(expected));
  });

  it.each([
    ['ENTER', 'enter'],
    ['Page_Down', 'page_down'],
    ['  Escape\t', 'esc'],
    ['F1', 'f1'],
    ['f20', 'f20'],
    ['PgDn', 'page_down'],
    ['Ctrl-Left', 'ctrl_l'],
  ] as [string, NamedKey][])('matches names case-insensitively: %j -> %s', (input, expected) => {
    expect(normalizeKey(input)).toEqual(named(expected));
  });
});

describe('normalizeKey single characters', () => {
  it.each(['a', 'A', 'z', 'Z', '1', '+', '-', '/', 'é', 'É', 'ß', '世', '😀'])(
    '%j is kept exactly',
    (c) => {
      expect(normalizeKey(c)).toEqual(char(c));
    },
  );

  it('keeps the case of a padded single character', () => {
    expect(normalizeKey(' A ')).toEqual(char('A'));
  });

  it.each([
    [' ', 'space'],
    ['\n', 'enter'],
    ['\r', 'enter'],
    ['\t', 'tab'],
    ['\b', 'backspace'],
    ['\x1b', 'esc'],
    ['\x7f', 'delete'],
    ['⌘', 'cmd'],
    ['⌥', 'alt'],
  ] as [string, NamedKey][])('special character %j -> %s', (input, expected) => {
    expect(normalizeKey(input)).toEqual(named(expected));
  });
});

describe('normalizeKey unknowns', () => {
  it.each([
    '',
    '   ',
    '\t\n',
    'pagedownn',
    'f0',
    'f21',
    'page  down',
    'e\u0301',
    '\x00',
    '\x01',
    '\x9b',
    '\ud800',
    'constructor',
    '__proto__',
  ])('%j is unknown', (input) => {
    expect(normalizeKey(input)).toBeNull();
  });
});

// isModifierKey is tested against the X server (the keys it holds as modifiers while down) in
// tests/x11-keyboard.test.ts, not against a copy of its own list.

describe('resolveHotkey', () => {
  it('resolves a string hotkey', () => {
    expect(resolveHotkey('Ctrl + Shift + T')).toEqual({
      ok: true,
      keys: [named('ctrl'), named('shift'), char('T')],
    });
  });

  it('resolves the plus key and an array', () => {
    expect(resolveHotkey('ctrl++')).toEqual({ ok: true, keys: [named('ctrl'), char('+')] });
    expect(resolveHotkey(['Meta', 'ArrowLeft'])).toEqual({
      ok: true,
      keys: [named('cmd'), named('left')],
    });
  });

  it.each([
    ['ctrl+foo+bar', 'foo'],
    ['ctrl+', ''],
    ['', ''],
    [['ctrl', 'Nope ', 'bad'], 'Nope '],
    [['ctrl+c'], 'ctrl+c'],
  ] as [string | string[], string][])('%j reports %j as the first unknown', (input, unknown) => {
    expect(resolveHotkey(input)).toEqual({ ok: false, unknown });
  });
});
