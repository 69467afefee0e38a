import { describe, expect, it } from 'vitest';
import {
  ALIAS_NAMES,
  AuthenticateFrameSchema,
  COMMAND_NAMES,
  commands,
  commandsJsonSchema,
  describeCommands,
  ERROR_CODES,
  FailureReplySchema,
  parseParams,
  RequestSchema,
  resolveCommandName,
  suggestCommands,
  unknownCommandMessage,
  upstreamParamList,
} from './index.js';

// Upstream's registry on its native backends, in its order; then what we add beside it.
const UPSTREAM_REGISTRY = [
  'version',
  'diorama_cmd',
  'get_accessibility_tree',
  'find_element',
  'run_command',
  'file_exists',
  'directory_exists',
  'list_dir',
  'read_text',
  'write_text',
  'read_bytes',
  'write_bytes',
  'get_file_size',
  'delete_file',
  'create_dir',
  'delete_dir',
  'get_desktop_environment',
  'set_wallpaper',
  'open',
  'launch',
  'get_current_window_id',
  'get_application_windows',
  'get_window_name',
  'get_window_size',
  'get_window_position',
  'set_window_size',
  'set_window_position',
  'maximize_window',
  'minimize_window',
  'activate_window',
  'close_window',
  'mouse_down',
  'mouse_up',
  'left_click',
  'right_click',
  'double_click',
  'move_cursor',
  'drag_to',
  'drag',
  'key_down',
  'key_up',
  'type_text',
  'press_key',
  'hotkey',
  'scroll',
  'scroll_down',
  'scroll_up',
  'scroll_direction',
  'screenshot',
  'get_cursor_position',
  'get_screen_size',
  'copy_to_clipboard',
  'set_clipboard',
];
const ADDED = [
  'middle_click',
  'to_screen_coordinates',
  'to_screenshot_coordinates',
  'get_active_window_bounds',
  'get_element',
  'click_element',
  'focus_element',
  'set_element_value',
  'observe',
  'batch',
  'start_recording',
  'stop_recording',
  'subscribe_frames',
  'unsubscribe_frames',
  'take_control',
  'release_control',
  'start_trace',
  'stop_trace',
];

describe('registry', () => {
  it('has every upstream command in upstream order, plus the additions', () => {
    expect(COMMAND_NAMES.filter((n) => !ADDED.includes(n))).toEqual(UPSTREAM_REGISTRY);
    expect([...COMMAND_NAMES].sort()).toEqual([...UPSTREAM_REGISTRY, ...ADDED].sort());
    for (const name of ADDED)
      expect(commands[name as keyof typeof commands]).toHaveProperty('extension', true);
  });

  it.each([
    ['type', 'type_text'],
    ['key', 'press_key'],
    ['tap', 'left_click'],
    ['click', 'left_click'],
    ['shell', 'run_command'],
    ['exec', 'run_command'],
    ['read_file', 'read_text'],
    ['write_file', 'write_text'],
    ['ls', 'list_dir'],
    ['mkdir', 'create_dir'],
    ['rm', 'delete_file'],
    ['rmdir', 'delete_dir'],
  ])('alias %s → %s', (alias, target) => {
    expect(resolveCommandName(alias)).toBe(target);
  });

  it('has exactly the 12 upstream aliases and no unknown names', () => {
    expect(ALIAS_NAMES).toHaveLength(12);
    expect(resolveCommandName('nosuch')).toBeUndefined();
    expect(resolveCommandName('toString')).toBeUndefined();
  });

  it('input commands are the mouse, keyboard and scroll groups, click_element and batch', () => {
    for (const name of COMMAND_NAMES) {
      const { group, kind } = commands[name];
      // click_element may fall back to a real pointer click, so it queues with the input; a
      // batch holds the queue for all its actions.
      const input =
        ['mouse', 'keyboard', 'scroll'].includes(group) ||
        name === 'click_element' ||
        name === 'batch';
      expect(kind === 'input', name).toBe(input);
    }
  });

  it('suggests near names like upstream', () => {
    expect(suggestCommands('scr')).toEqual([
      'scroll',
      'scroll_down',
      'scroll_up',
      'scroll_direction',
      'screenshot',
    ]);
    expect(unknownCommandMessage('nosuch')).toBe('Unknown command: nosuch');
    expect(unknownCommandMessage('screensho')).toMatch(
      /^Unknown command: screensho. Did you mean: screenshot, to_screenshot_coordinates, scroll,/,
    );
  });
});

describe('params', () => {
  it('fills upstream defaults', () => {
    expect(parseParams('drag_to', { x: 1, y: 2 })).toEqual({
      ok: true,
      params: { x: 1, y: 2, button: 'left', duration: 0.5 },
    });
    expect(parseParams('read_bytes', { path: '/a' })).toEqual({
      ok: true,
      params: { path: '/a', offset: 0 },
    });
    expect(parseParams('screenshot', {})).toEqual({
      ok: true,
      params: { format: 'png', quality: 95 },
    });
    expect(parseParams('scroll_down', undefined)).toEqual({ ok: true, params: { clicks: 1 } });
    expect(parseParams('write_bytes', { path: '/a', content_b64: '' })).toMatchObject({
      params: { append: false },
    });
  });

  it('treats null as omitted, as the Python client sends it', () => {
    expect(parseParams('left_click', { x: null, y: null })).toEqual({ ok: true, params: {} });
    expect(parseParams('mouse_down', { x: null, y: null, button: null })).toEqual({
      ok: true,
      params: { button: 'left' },
    });
    expect(parseParams('run_command', { command: 'ls', timeout: null })).toEqual({
      ok: true,
      params: { command: 'ls' },
    });
    expect(parseParams('launch', { app: 'xterm', args: null })).toEqual({
      ok: true,
      params: { app: 'xterm' },
    });
  });

  it('drops unknown extra params', () => {
    expect(parseParams('version', { foo: 1 })).toEqual({ ok: true, params: {} });
    expect(parseParams('move_cursor', { x: 1, y: 2, z: 3 })).toEqual({
      ok: true,
      params: { x: 1, y: 2 },
    });
  });

  it.each([
    ['move_cursor', { x: 1 }, 'Invalid params for move_cursor: y: required'],
    ['move_cursor', { x: 'a', y: 2 }, 'x: Invalid input: expected number, received string'],
    ['run_command', { command: 'ls', timeout: 'abc' }, 'timeout:'],
    ['hotkey', { keys: 'ctrl+c+nokey' }, 'Unknown key in hotkey: nokey'],
    ['hotkey', { keys: [] }, 'keys is empty'],
    ['press_key', { key: 'pagedownn' }, 'key: Unknown key: pagedownn'],
    ['drag', { path: [] }, 'Path is empty'],
    ['drag', { path: [{ x: 1, y: 2 }] }, 'path.0'],
    ['scroll_direction', { direction: 'sideways' }, 'direction'],
    ['mouse_down', { button: 'fourth' }, 'button'],
    ['get_window_name', { window_id: { id: 1 } }, 'window_id'],
    ['write_bytes', { path: '/a' }, 'content_b64: required'],
  ])('%s %j fails naming the param', (name, params, message) => {
    const result = parseParams(name as never, params);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(message);
  });

  it('normalises case-insensitive enums and clamps quality', () => {
    expect(parseParams('screenshot', { format: 'JPG', quality: 500 })).toMatchObject({
      params: { format: 'jpg', quality: 95 },
    });
    expect(parseParams('screenshot', { quality: 0 })).toMatchObject({ params: { quality: 1 } });
    expect(parseParams('scroll_direction', { direction: 'LEFT', clicks: 2 })).toMatchObject({
      params: { direction: 'left', clicks: 2 },
    });
  });

  it('rounds fractional coordinates to pixels', () => {
    expect(parseParams('left_click', { x: 10.6, y: 3.2 })).toEqual({
      ok: true,
      params: { x: 11, y: 3 },
    });
  });

  it('accepts hotkey as a list or a "ctrl+c" string, and window ids as strings or numbers', () => {
    expect(parseParams('hotkey', { keys: ['ctrl', 'c'] }).ok).toBe(true);
    expect(parseParams('hotkey', { keys: 'ctrl+c' }).ok).toBe(true);
    expect(parseParams('get_window_size', { window_id: 123 }).ok).toBe(true);
    expect(parseParams('get_window_size', { window_id: '123' }).ok).toBe(true);
  });
});

describe('envelope', () => {
  it('accepts requests with and without ids, and rejects bad ones', () => {
    expect(RequestSchema.safeParse({ command: 'version' }).success).toBe(true);
    expect(RequestSchema.safeParse({ command: 'version', params: {}, id: 'a' }).success).toBe(true);
    expect(RequestSchema.safeParse({ command: 'version', id: 7 }).success).toBe(true);
    expect(RequestSchema.safeParse({ command: 'version', id: { x: 1 } }).success).toBe(false);
    expect(RequestSchema.safeParse({ command: '' }).success).toBe(false);
    expect(RequestSchema.safeParse({ params: {} }).success).toBe(false);
  });

  it('requires a non-empty error and a known code on our failures', () => {
    expect(
      FailureReplySchema.safeParse({ success: false, error: 'x', code: 'timeout' }).success,
    ).toBe(true);
    expect(
      FailureReplySchema.safeParse({ success: false, error: '', code: 'timeout' }).success,
    ).toBe(false);
    expect(FailureReplySchema.safeParse({ success: false, error: 'x', code: 'nope' }).success).toBe(
      false,
    );
  });

  it('parses the authenticate frame', () => {
    const frame = { command: 'authenticate', params: { container_name: 'vm1', api_key: 'sk' } };
    expect(AuthenticateFrameSchema.parse(frame)).toEqual(frame);
  });

  it('gives every error code an HTTP status', () => {
    for (const [code, { httpStatus }] of Object.entries(ERROR_CODES)) {
      expect(httpStatus, code).toBeGreaterThanOrEqual(400);
    }
  });
});

describe('JSON Schema', () => {
  it('describes every command, with null allowed for optional params', () => {
    const all = commandsJsonSchema();
    expect(all.map((c) => c.name)).toEqual(COMMAND_NAMES);
    const drag = all.find((c) => c.name === 'drag_to')!;
    expect(drag.params).toMatchObject({
      type: 'object',
      required: ['x', 'y'],
      properties: { duration: { anyOf: [{ type: 'number', default: 0.5 }, { type: 'null' }] } },
    });
    const shot = all.find((c) => c.name === 'screenshot')!;
    expect(shot.result).toMatchObject({ required: ['image_data', 'format'] });
    expect(all.find((c) => c.name === 'run_command')!.aliases).toEqual(['shell', 'exec']);
  });

  it('lists params in upstream /commands shape', () => {
    expect(upstreamParamList('drag_to')).toEqual([
      { name: 'x', required: true, default: null },
      { name: 'y', required: true, default: null },
      { name: 'button', required: false, default: 'left' },
      { name: 'duration', required: false, default: 0.5 },
      { name: 'observe', required: false, default: null },
    ]);
    expect(upstreamParamList('run_command')).toEqual([
      { name: 'command', required: true, default: null },
      { name: 'timeout', required: false, default: null },
      { name: 'stream', required: false, default: null },
    ]);
    const described = describeCommands();
    expect(described.commands.run_command!.aliases).toEqual(['shell', 'exec']);
    expect(described.commands.version).not.toHaveProperty('aliases');
    expect(described.aliases.type).toBe('type_text');
  });
});

describe('observe and batch', () => {
  it('observe: true means the defaults, false or absent means none', () => {
    const on = parseParams('left_click', { x: 1, y: 2, observe: true });
    expect(on).toMatchObject({
      ok: true,
      params: { observe: { quiet_ms: 100, timeout_ms: 3000, format: 'png', quality: 95 } },
    });
    expect(parseParams('left_click', { observe: false })).toEqual({ ok: true, params: {} });
    expect(parseParams('press_key', { key: 'a', observe: null })).toEqual({
      ok: true,
      params: { key: { kind: 'char', char: 'a' } },
    });
    expect(
      parseParams('type_text', { text: 'x', observe: { quiet_ms: 50, format: 'JPG' } }),
    ).toMatchObject({ ok: true, params: { observe: { quiet_ms: 50, format: 'jpg' } } });
    expect(parseParams('scroll_down', { observe: { timeout_ms: -1 } })).toMatchObject({
      ok: false,
      error: expect.stringContaining('observe.timeout_ms'),
    });
  });

  it('every input command but batch takes observe; batch lists exactly them', () => {
    const input = COMMAND_NAMES.filter((n) => commands[n].kind === 'input' && n !== 'batch');
    for (const name of input.filter((n) => n !== 'click_element')) {
      expect(commands[name].params.shape, name).toHaveProperty('observe');
    }
    const batch = commandsJsonSchema().find((c) => c.name === 'batch')!;
    const actions = (batch.params.properties as Record<string, Record<string, unknown>>).actions!;
    const items = actions.items as { properties: { command: { enum: string[] } } };
    expect(items.properties.command.enum).toEqual(input);
  });

  it('batch refuses non-input commands, nesting and empty lists', () => {
    const parse = (actions: unknown[]) => parseParams('batch', { actions });
    expect(
      parse([{ command: 'left_click' }, { command: 'type_text', params: { text: 'a' } }]),
    ).toMatchObject({ ok: true, params: { stop_on_error: true } });
    expect(parse([{ command: 'screenshot' }])).toMatchObject({ ok: false });
    expect(parse([{ command: 'batch', params: { actions: [] } }])).toMatchObject({ ok: false });
    expect(parse([])).toMatchObject({ ok: false, error: expect.stringContaining('empty') });
  });
});
