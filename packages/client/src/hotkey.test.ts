import { splitHotkey } from '@cua/computer-protocol';
import { describe, expect, it } from 'vitest';
import { hotkeyKeys } from './hotkey.js';

describe('hotkey arguments', () => {
  it.each([
    [
      ['ctrl', 'c'],
      ['ctrl', 'c'],
    ],
    [['ctrl+c'], ['ctrl', 'c']],
    [['ctrl + shift + t'], ['ctrl', 'shift', 't']],
    [
      ['ctrl+shift', 't'],
      ['ctrl', 'shift', 't'],
    ],
    [['+'], ['+']],
    [['ctrl++'], ['ctrl', '+']],
    [
      ['shift', '+'],
      ['shift', '+'],
    ],
    [[['ctrl', 'alt+x']], ['ctrl', 'alt+x']],
  ])('%j sends keys %j', (args, keys) => {
    expect(hotkeyKeys(args)).toEqual(keys);
  });

  it('splits combo strings the way our server does', () => {
    for (const combo of ['ctrl+c', 'a+b+c', 'ctrl++', ' ctrl + alt + del ', 'cmd+shift+4', 'x']) {
      expect(hotkeyKeys([combo])).toEqual(splitHotkey(combo));
    }
  });
});
