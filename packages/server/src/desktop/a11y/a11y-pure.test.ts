import type { AccessibilityNode } from '@cua/computer-protocol';
import { describe, expect, it } from 'vitest';
import { isChromiumLike, withChromiumAccessibility } from './accessibility-env.js';
import { roleName, stateNames } from './atspi-enums.js';
import { ElementIds } from './element-ids.js';
import { matchElements, namePattern, roleMatches } from './match-element.js';
import { usableBounds } from './read-element.js';
import { textForm } from './text-form.js';

function node(
  id: string,
  role: string,
  name: string,
  extra: Partial<AccessibilityNode> = {},
): AccessibilityNode {
  return {
    id,
    role,
    name,
    title: name,
    states: ['enabled', 'showing', 'visible'],
    child_count: extra.children?.length ?? 0,
    children: [],
    ...extra,
  };
}

const tree = node('e1', 'frame', 'Demo', {
  bounds: { x: 10, y: 20, width: 300, height: 200 },
  window_id: 0x400003,
  pid: 42,
  states: ['active', 'enabled', 'showing'],
  children: [
    node('e2', 'push button', 'Save as…', { bounds: { x: 12, y: 22, width: 80, height: 30 } }),
    node('e3', 'push button', 'Save', { states: ['showing'] }),
    node('e4', 'text', 'Name', { value: 'Ada', states: ['editable', 'enabled', 'showing'] }),
    node('e5', 'check box', 'Remember', { states: ['checked', 'enabled', 'showing'] }),
  ],
});

describe('AT-SPI enums', () => {
  it('names roles and state bits as AT-SPI 2.46 does', () => {
    expect(roleName(43)).toBe('push button');
    expect(roleName(79)).toBe('entry');
    expect(roleName(95)).toBe('document web');
    expect(roleName(9999)).toBe('unknown');
    // Bits 8 (enabled), 12 (focused), 25 (showing) of word 0; 41 (checkable) is bit 9 of word 1.
    expect(stateNames([(1 << 8) | (1 << 12) | (1 << 25), 1 << 9])).toEqual([
      'enabled',
      'focused',
      'showing',
      'checkable',
    ]);
    expect(stateNames([0x80000000, 0])).toEqual(['manages_descendants']);
  });

  it('drops the sentinel extents GTK gives to objects that are nowhere', () => {
    expect(
      usableBounds({ x: -2147483648, y: -2147483648, width: 400, height: 17 }),
    ).toBeUndefined();
    expect(usableBounds({ x: 0, y: 0, width: 0, height: 0 })).toBeUndefined();
    expect(usableBounds({ x: 5, y: 6, width: 7, height: 8 })).toEqual({
      x: 5,
      y: 6,
      width: 7,
      height: 8,
    });
  });
});

describe('element ids', () => {
  it('gives one object the same id each time, and forgets the least recently seen', () => {
    const ids = new ElementIds(2);
    const a = { bus: ':1.1', path: '/a' };
    const b = { bus: ':1.1', path: '/b' };
    const c = { bus: ':1.2', path: '/a' };
    expect(ids.idOf(a)).toBe('e1');
    expect(ids.idOf(b)).toBe('e2');
    expect(ids.idOf({ ...a })).toBe('e1'); // a is now the most recent
    expect(ids.idOf(c)).toBe('e3'); // evicts b
    expect(ids.refOf('e2')).toBeUndefined();
    expect(ids.refOf('e1')).toEqual(a);
    expect(ids.size).toBe(2);
  });
});

describe('matching', () => {
  it('maps other platforms’ role words to AT-SPI roles', () => {
    expect(roleMatches('button', 'push button')).toBe(true);
    expect(roleMatches('AXButton', 'push button')).toBe(true);
    expect(roleMatches('Push_Button', 'push button')).toBe(true);
    expect(roleMatches('entry', 'text')).toBe(true);
    expect(roleMatches('textbox', 'entry')).toBe(true);
    expect(roleMatches('checkbox', 'check box')).toBe(true);
    expect(roleMatches('button', 'label')).toBe(false);
  });

  it('ranks exact titles before prefixes, showing and enabled first', () => {
    const { matches, searched } = matchElements(tree, { role: 'button', title: 'save' }, 5);
    expect(matches.map((m) => m.id)).toEqual(['e3', 'e2']);
    expect(searched).toBe(5);
    expect(matches[0]).not.toHaveProperty('children');
  });

  it('filters by value, states and name patterns', () => {
    expect(matchElements(tree, { value: 'ada' }, 5).matches.map((m) => m.id)).toEqual(['e4']);
    expect(matchElements(tree, { states: ['checked'] }, 5).matches.map((m) => m.id)).toEqual([
      'e5',
    ]);
    expect(matchElements(tree, { name: '/^save$/i' }, 5).matches.map((m) => m.id)).toEqual(['e3']);
    expect(matchElements(tree, { name: 'SAVE' }, 5).matches.map((m) => m.id)).toEqual(['e2', 'e3']);
    expect(() => namePattern('/(/')).toThrow(/regular expression/);
  });
});

describe('text form', () => {
  it('one indented line per node with id, role, name, bounds, notable states and value', () => {
    expect(textForm(tree).split('\n')).toEqual([
      '[e1] frame "Demo" @10,20 300x200 {active} (window 0x400003, pid 42)',
      '  [e2] push button "Save as…" @12,22 80x30',
      '  [e3] push button "Save" {disabled}',
      '  [e4] text "Name" {editable} = "Ada"',
      '  [e5] check box "Remember" {checked}',
    ]);
  });
});

describe('Chromium switch', () => {
  it('is added for Chromium-like executables only, once', () => {
    expect(isChromiumLike('/usr/bin/chromium')).toBe(true);
    expect(isChromiumLike('google-chrome-stable')).toBe(true);
    expect(isChromiumLike('xterm')).toBe(false);
    expect(withChromiumAccessibility('chromium', ['a.html'])).toEqual([
      '--force-renderer-accessibility',
      'a.html',
    ]);
    expect(withChromiumAccessibility('chromium', ['--force-renderer-accessibility'])).toEqual([
      '--force-renderer-accessibility',
    ]);
    expect(withChromiumAccessibility('gedit', ['x'])).toEqual(['x']);
  });
});
