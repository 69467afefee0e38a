import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../errors.js';
import { AnthropicComputer, type AnthropicToolVersion } from './anthropic.js';
import {
  FakeComputer,
  pngHeader,
  recordingSleep,
  type FakeOptions,
} from './fake-computer.test-util.js';

async function setup(version: AnthropicToolVersion, options: FakeOptions = {}) {
  // 1920x1080 is shrunk to 1429x804 (≈ 1.3436 screen pixels per screenshot pixel).
  const fake = new FakeComputer({ width: 1920, height: 1080, ...options });
  const { sleeps, sleep } = recordingSleep();
  const adapter = await AnthropicComputer.create(fake, { version, sleep });
  const run = async (input: Record<string, unknown>) => {
    fake.calls.length = 0;
    sleeps.length = 0;
    const result = await adapter.run({ id: 'toolu_1', name: 'computer', input });
    return { result, calls: fake.actions().map((c) => [c.name, c.params]), sleeps };
  };
  return { fake, adapter, run };
}

const SHOT = ['screenshot', { format: 'png', max_width: 1429, max_height: 804 }];
const image = (width: number, height: number) => ({
  type: 'image',
  source: { type: 'base64', media_type: 'image/png', data: pngHeader(width, height) },
});
// Screenshot pixel (100, 200) of 1429x804 on 1920x1080.
const AT = { x: 135, y: 269 };

describe.each(['computer_20250124', 'computer_20251124'] as const)('%s', (version) => {
  it('declares the tool with the size of the screenshots it sends', async () => {
    const { adapter } = await setup(version);
    expect(adapter.tool).toEqual({
      type: version,
      name: 'computer',
      display_width_px: 1429,
      display_height_px: 804,
      ...(version === 'computer_20251124' ? { enable_zoom: true } : {}),
    });
    expect(adapter.betas).toEqual([
      version === 'computer_20250124' ? 'computer-use-2025-01-24' : 'computer-use-2025-11-24',
    ]);
  });

  it('screenshot: an image of the declared size, at once', async () => {
    const { run } = await setup(version);
    const { result, calls, sleeps } = await run({ action: 'screenshot' });
    expect(result).toEqual({
      type: 'tool_result',
      tool_use_id: 'toolu_1',
      content: [image(1429, 804)],
    });
    expect(calls).toEqual([SHOT]);
    expect(sleeps).toEqual([]);
  });

  const cases: [string, Record<string, unknown>, unknown[][]][] = [
    [
      'key',
      { action: 'key', text: 'ctrl+shift+t' },
      [['hotkey', { keys: ['ctrl', 'shift', 't'] }]],
    ],
    ['key Return', { action: 'key', text: 'Return' }, [['press_key', { key: 'enter' }]]],
    ['key KP_Enter', { action: 'key', text: 'KP_Enter' }, [['press_key', { key: 'enter' }]]],
    [
      'key with repeat',
      { action: 'key', text: 'Down', repeat: 2 },
      [
        ['press_key', { key: 'down' }],
        ['press_key', { key: 'down' }],
      ],
    ],
    ['type', { action: 'type', text: 'héllo\n' }, [['type_text', { text: 'héllo\n' }]]],
    ['mouse_move', { action: 'mouse_move', coordinate: [100, 200] }, [['move_cursor', AT]]],
    [
      'left_click',
      { action: 'left_click', coordinate: [100, 200] },
      [
        ['move_cursor', AT],
        ['left_click', {}],
      ],
    ],
    ['left_click in place', { action: 'left_click' }, [['left_click', {}]]],
    [
      'left_click holding shift',
      { action: 'left_click', coordinate: [100, 200], text: 'shift' },
      [
        ['key_down', { key: 'shift' }],
        ['move_cursor', AT],
        ['left_click', {}],
        ['key_up', { key: 'shift' }],
      ],
    ],
    [
      'right_click',
      { action: 'right_click', coordinate: [100, 200] },
      [
        ['move_cursor', AT],
        ['right_click', {}],
      ],
    ],
    [
      'middle_click',
      { action: 'middle_click', coordinate: [100, 200] },
      [
        ['move_cursor', AT],
        ['middle_click', {}],
      ],
    ],
    [
      'double_click',
      { action: 'double_click', coordinate: [100, 200] },
      [
        ['move_cursor', AT],
        ['double_click', {}],
      ],
    ],
    [
      'triple_click',
      { action: 'triple_click', coordinate: [100, 200] },
      [
        ['double_click', AT],
        ['left_click', AT],
      ],
    ],
    [
      'left_click_drag',
      { action: 'left_click_drag', start_coordinate: [0, 0], coordinate: [100, 200] },
      [
        [
          'drag',
          {
            path: [
              [0, 0],
              [AT.x, AT.y],
            ],
          },
        ],
      ],
    ],
    ['left_mouse_down', { action: 'left_mouse_down' }, [['mouse_down', { button: 'left' }]]],
    [
      'left_mouse_up at a point',
      { action: 'left_mouse_up', coordinate: [100, 200] },
      [['mouse_up', { ...AT, button: 'left' }]],
    ],
    [
      'scroll down 3',
      { action: 'scroll', coordinate: [100, 200], scroll_direction: 'down', scroll_amount: 3 },
      [
        ['move_cursor', AT],
        ['scroll', { x: 0, y: -3 }],
      ],
    ],
    [
      'scroll up holding ctrl',
      {
        action: 'scroll',
        coordinate: [100, 200],
        scroll_direction: 'up',
        scroll_amount: 2,
        text: 'ctrl',
      },
      [
        ['key_down', { key: 'ctrl' }],
        ['move_cursor', AT],
        ['scroll', { x: 0, y: 2 }],
        ['key_up', { key: 'ctrl' }],
      ],
    ],
    [
      'scroll left at the pointer',
      { action: 'scroll', scroll_direction: 'left', scroll_amount: 5 },
      [
        ['get_cursor_position', {}],
        ['move_cursor', { x: 10, y: 20 }],
        ['scroll', { x: -5, y: -0 }],
      ],
    ],
    [
      'scroll right',
      { action: 'scroll', coordinate: [0, 0], scroll_direction: 'right', scroll_amount: 1 },
      [
        ['move_cursor', { x: 0, y: 0 }],
        ['scroll', { x: 1, y: -0 }],
      ],
    ],
  ];

  it.each(cases)('%s: the commands, then a settled screenshot', async (_, input, expected) => {
    const { run } = await setup(version);
    const { result, calls, sleeps } = await run(input);
    expect(result.is_error).toBeUndefined();
    expect(result.content).toEqual([image(1429, 804)]);
    expect(calls).toEqual([...expected, SHOT]);
    // Our server today has no `observe`: the documented short wait before the screenshot.
    expect(sleeps).toEqual([500]);
  });

  it('hold_key: down, the duration, up', async () => {
    const { run } = await setup(version);
    const { calls, sleeps } = await run({ action: 'hold_key', text: 'shift+a', duration: 1.5 });
    expect(calls).toEqual([
      ['key_down', { key: 'shift' }],
      ['key_down', { key: 'a' }],
      ['key_up', { key: 'a' }],
      ['key_up', { key: 'shift' }],
      SHOT,
    ]);
    expect(sleeps).toEqual([1500, 500]);
  });

  it('wait: sleeps the duration, then a screenshot', async () => {
    const { run } = await setup(version);
    const { result, calls, sleeps } = await run({ action: 'wait', duration: 2 });
    expect(result.content).toEqual([image(1429, 804)]);
    expect(calls).toEqual([SHOT]);
    expect(sleeps).toEqual([2000]);
  });

  it('cursor_position: text in screenshot pixels', async () => {
    const { fake, run } = await setup(version);
    fake.cursor = { x: 1919, y: 1079 };
    const { result } = await run({ action: 'cursor_position' });
    expect(result.content).toEqual([{ type: 'text', text: 'X=1428,Y=803' }]);
    fake.cursor = AT;
    expect((await run({ action: 'cursor_position' })).result.content).toEqual([
      { type: 'text', text: 'X=100,Y=200' },
    ]);
  });

  it('with `observe` announced: the action carries it, no sleep, no extra screenshot', async () => {
    const { run } = await setup(version, { features: ['request-id', 'observe'] });
    const { result, calls, sleeps } = await run({ action: 'left_click', coordinate: [100, 200] });
    const observe = { format: 'png', max_width: 1429, max_height: 804 };
    expect(calls).toEqual([
      ['move_cursor', AT],
      ['left_click', { observe }],
    ]);
    expect(result.content).toEqual([image(1429, 804)]);
    expect(sleeps).toEqual([]);
  });

  it('with `observe` announced but dropped by the client: a screenshot, no sleep', async () => {
    const { run } = await setup(version, { features: ['observe'], dropObservation: true });
    const { calls, sleeps } = await run({ action: 'type', text: 'x' });
    expect(calls.at(-1)).toEqual(SHOT);
    expect(sleeps).toEqual([]);
  });

  describe('errors come back as is_error, with nothing done', () => {
    const bad: [string, Record<string, unknown>, RegExp][] = [
      ['an unknown action', { action: 'fly' }, /unknown action "fly"/],
      ['no action', {}, /unknown action undefined/],
      ['x past the edge', { action: 'left_click', coordinate: [1429, 10] }, /outside the 1429x804/],
      ['a negative y', { action: 'mouse_move', coordinate: [10, -1] }, /outside/],
      ['a malformed point', { action: 'mouse_move', coordinate: [10] }, /\[x, y\]/],
      ['a string point', { action: 'mouse_move', coordinate: ['1', '2'] }, /two numbers/],
      ['an unknown key', { action: 'key', text: 'ctrl+Hyperdrive' }, /unknown key "Hyperdrive"/],
      ['a missing text', { action: 'type' }, /text must be a string/],
      ['a bad modifier', { action: 'left_click', text: 'ctrl+Nope' }, /unknown key/],
      [
        'a bad direction',
        { action: 'scroll', coordinate: [1, 1], scroll_direction: 'sideways', scroll_amount: 1 },
        /scroll_direction/,
      ],
      [
        'a bad amount',
        { action: 'scroll', coordinate: [1, 1], scroll_direction: 'up', scroll_amount: -2 },
        /scroll_amount/,
      ],
      ['a bad duration', { action: 'wait', duration: 1000 }, /duration/],
      [
        'a drag without start',
        { action: 'left_click_drag', coordinate: [1, 1] },
        /start_coordinate/,
      ],
    ];
    it.each(bad)('%s', async (_, input, message) => {
      const { run } = await setup(version);
      const { result, calls } = await run(input);
      expect(result.is_error).toBe(true);
      expect(result.content).toEqual([{ type: 'text', text: expect.stringMatching(message) }]);
      expect(calls).toEqual([]);
    });

    it('a server failure', async () => {
      const fail = { command: 'type_text', code: 'display_unavailable', error: 'X is gone' };
      const { run } = await setup(version, { fail });
      const { result } = await run({ action: 'type', text: 'x' });
      expect(result).toEqual({
        type: 'tool_result',
        tool_use_id: 'toolu_1',
        is_error: true,
        content: [{ type: 'text', text: 'The computer failed: X is gone (display_unavailable)' }],
      });
    });

    it('a lost connection rejects instead', async () => {
      const { fake, adapter } = await setup(version);
      fake.rejectWith = new ConnectionError('gone');
      await expect(
        adapter.run({ id: 't', name: 'computer', input: { action: 'screenshot' } }),
      ).rejects.toThrow(ConnectionError);
    });
  });
});

describe('zoom', () => {
  it('computer_20251124: a full-resolution region screenshot, transform unchanged', async () => {
    const { adapter, run } = await setup('computer_20251124');
    const before = adapter.transform;
    const { result, calls } = await run({ action: 'zoom', region: [100, 200, 400, 500] });
    // Screenshot pixels 100..400 x 200..500 are screen 134..538 x 268..672 (rounded outwards).
    const region = { x: 134, y: 268, width: 404, height: 404 };
    expect(calls).toEqual([
      ['screenshot', { format: 'png', max_width: 404, max_height: 404, region }],
    ]);
    expect(result.content).toEqual([image(404, 404)]);
    expect(adapter.transform).toBe(before);
  });

  it('rejects a bad region', async () => {
    const { run } = await setup('computer_20251124');
    const { result } = await run({ action: 'zoom', region: [10, 10, 5, 5] });
    expect(result.is_error).toBe(true);
    expect((await run({ action: 'zoom', region: [1, 2] })).result.is_error).toBe(true);
  });

  it('is not an action of computer_20250124, nor with enableZoom: false', async () => {
    const { run } = await setup('computer_20250124');
    const { result, calls } = await run({ action: 'zoom', region: [0, 0, 10, 10] });
    expect(result.is_error).toBe(true);
    expect(result.content[0]).toMatchObject({ text: /unknown action "zoom"/ });
    expect(calls).toEqual([]);
    const fake = new FakeComputer();
    const off = await AnthropicComputer.create(fake, {
      version: 'computer_20251124',
      enableZoom: false,
    });
    expect(off.tool.enable_zoom).toBeUndefined();
    const denied = await off.run({ id: 'x', name: 'computer', input: { action: 'zoom' } });
    expect(denied.is_error).toBe(true);
  });
});

describe('scaling', () => {
  it.each([
    [1280, 800, 'limits', 1280, 800],
    [2560, 1440, 'limits', 1429, 804],
    [2560, 1440, 'reference', 1365, 768],
    [1920, 1200, 'reference', 1280, 800],
  ] as const)('%dx%d, %s → %dx%d', async (width, height, scaling, w, h) => {
    const fake = new FakeComputer({ width, height });
    const adapter = await AnthropicComputer.create(fake, { scaling });
    expect([adapter.tool.display_width_px, adapter.tool.display_height_px]).toEqual([w, h]);
    const result = await adapter.run({
      id: 'a',
      name: 'computer',
      input: { action: 'screenshot' },
    });
    expect(result.content).toEqual([image(w, h)]);
  });
});
