import { NAMED_KEYS, normalizeKey } from '@cua/computer-protocol';
import { describe, expect, it } from 'vitest';
import { ToolInputError } from './tool-input-error.js';
import { webKey, webKeys } from './web-keys.js';
import { xdotoolCombo, xdotoolKey } from './xdotool-keys.js';

/** What the server makes of a key name we send: it must be the name itself, or that character. */
function serverKey(name: string): string | undefined {
  const key = normalizeKey(name);
  if (!key) return undefined;
  return key.kind === 'named' ? key.name : key.char;
}

describe('xdotool key names', () => {
  it.each([
    ['Return', 'enter'],
    ['KP_Enter', 'enter'],
    ['Tab', 'tab'],
    ['Escape', 'esc'],
    ['BackSpace', 'backspace'],
    ['Delete', 'delete'],
    ['Page_Down', 'page_down'],
    ['Prior', 'page_up'],
    ['Next', 'page_down'],
    ['Up', 'up'],
    ['KP_Left', 'left'],
    ['Home', 'home'],
    ['F5', 'f5'],
    ['F12', 'f12'],
    ['super', 'cmd'],
    ['Super_L', 'cmd_l'],
    ['Control_R', 'ctrl_r'],
    ['ISO_Level3_Shift', 'alt_gr'],
    ['Print', 'print_screen'],
    ['space', 'space'],
    ['minus', '-'],
    ['plus', '+'],
    ['KP_Add', '+'],
    ['KP_7', '7'],
    ['bracketleft', '['],
    ['XF86AudioMute', 'media_volume_mute'],
    ['a', 'a'],
    ['A', 'A'],
    ['é', 'é'],
    ['RETURN', 'enter'],
  ])('%s → %s, which the server takes as the same key', (name, ours) => {
    expect(xdotoolKey(name)).toBe(ours);
    expect(serverKey(ours)).toBe(ours);
  });

  it('every name it can produce is a canonical key of the protocol', () => {
    const produced = new Set<string>();
    for (const name of [
      'return kp_enter tab escape backspace delete insert home end page_up prior page_down next',
      'up down left right space ctrl control control_l control_r shift shift_l shift_r alt alt_l',
      'alt_r meta super super_l super_r iso_level3_shift caps_lock num_lock scroll_lock print',
      'pause menu xf86audioplay xf86audiomute xf86audiolowervolume xf86audioraisevolume',
      'xf86audioprev xf86audionext f1 f20',
    ]
      .join(' ')
      .split(' ')) {
      produced.add(xdotoolKey(name));
    }
    for (const key of produced) {
      expect(NAMED_KEYS as readonly string[]).toContain(key);
      expect(serverKey(key)).toBe(key);
    }
  });

  it('splits combinations', () => {
    expect(xdotoolCombo('ctrl+shift+t')).toEqual(['ctrl', 'shift', 't']);
    expect(xdotoolCombo('alt+Tab')).toEqual(['alt', 'tab']);
    expect(xdotoolCombo('ctrl+plus')).toEqual(['ctrl', '+']);
    expect(xdotoolCombo('ctrl++')).toEqual(['ctrl', '+']);
    expect(xdotoolCombo('ctrl+shift+Escape')).toEqual(['ctrl', 'shift', 'esc']);
  });

  it('rejects unknown names and malformed combinations', () => {
    expect(() => xdotoolKey('Hyper_Q')).toThrow(ToolInputError);
    expect(() => xdotoolCombo('')).toThrow(ToolInputError);
    expect(() => xdotoolCombo('ctrl+')).toThrow(ToolInputError);
  });
});

describe('web key names (OpenAI keypress, Gemini key_combination)', () => {
  it.each([
    ['CTRL', 'ctrl'],
    ['Control', 'ctrl'],
    ['ENTER', 'enter'],
    ['Return', 'enter'],
    ['ESC', 'esc'],
    ['Escape', 'esc'],
    ['SPACE', 'space'],
    ['ARROWDOWN', 'down'],
    ['ArrowLeft', 'left'],
    ['PageDown', 'page_down'],
    ['Meta', 'cmd'],
    ['CMD', 'cmd'],
    ['SUPER', 'cmd'],
    ['ALT', 'alt'],
    ['BACKSPACE', 'backspace'],
    ['Delete', 'delete'],
    ['F4', 'f4'],
    ['A', 'a'],
    ['/', '/'],
    [' ', ' '],
  ])('%s → %s', (name, ours) => {
    expect(webKey(name)).toBe(ours);
    expect(serverKey(ours)).toBeDefined();
  });

  it('a letter in a combination is the key, not the capital', () => {
    expect(webKeys(['CTRL', 'A'])).toEqual(['ctrl', 'a']);
  });

  it('rejects unknown names and empty lists', () => {
    expect(() => webKey('Hyperdrive')).toThrow(ToolInputError);
    expect(() => webKeys([])).toThrow(ToolInputError);
    expect(() => webKeys('CTRL')).toThrow(ToolInputError);
  });
});
