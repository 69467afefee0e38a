import { describe, expect, it } from 'vitest';
import { splitHotkey } from './hotkey.js';

describe('splitHotkey', () => {
  it.each([
    ['ctrl+c', ['ctrl', 'c']],
    ['Ctrl + Shift + T', ['Ctrl', 'Shift', 'T']],
    ['enter', ['enter']],
    ['+', ['+']],
    [' + ', ['+']],
    ['ctrl++', ['ctrl', '+']],
    ['ctrl + +', ['ctrl', '+']],
    ['ctrl+++shift', ['ctrl', '+', 'shift']],
    ['+++', ['+', '+']],
    ['ctrl+', ['ctrl', '']],
    ['+c', ['', 'c']],
    ['', ['']],
    [' ', [' ']],
  ])('%j -> %j', (input, expected) => {
    expect(splitHotkey(input)).toEqual(expected);
  });

  it('takes an array as given, without splitting or trimming', () => {
    const keys = ['ctrl+c', ' shift ', '+', ''] as const;
    const out = splitHotkey(keys);
    expect(out).toEqual(['ctrl+c', ' shift ', '+', '']);
    expect(out).not.toBe(keys);
  });

  it('splits the combos clients pass to hotkey()', () => {
    expect(['ctrl+shift', 't', '+'].flatMap((part) => splitHotkey(part))).toEqual([
      'ctrl',
      'shift',
      't',
      '+',
    ]);
    expect(splitHotkey(' ctrl + alt + del ')).toEqual(['ctrl', 'alt', 'del']);
  });
});
