import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../errors.js';
import { GeminiComputer, SafetyDecisionRefused, type GeminiComputerOptions } from './gemini.js';
import { gridToScreen } from './gemini-grid.js';
import {
  FakeComputer,
  pngHeader,
  recordingSleep,
  type FakeOptions,
} from './fake-computer.test-util.js';

async function setup(options: GeminiComputerOptions = {}, fakeOptions: FakeOptions = {}) {
  const fake = new FakeComputer({ width: 1920, height: 1080, ...fakeOptions });
  const { sleeps, sleep } = recordingSleep();
  const adapter = await GeminiComputer.create(fake, { sleep, ...options });
  const run = async (name: string, args: Record<string, unknown> = {}) => {
    fake.calls.length = 0;
    sleeps.length = 0;
    const part = await adapter.run({ id: 'fc_1', name, args });
    return { part, calls: fake.actions().map((c) => [c.name, c.params]), sleeps };
  };
  return { fake, adapter, run };
}

// 1920x1080 fits 1440x900 as 1440x810.
const SHOT = ['screenshot', { format: 'png', max_width: 1440, max_height: 810 }];
const INLINE = { inlineData: { mimeType: 'image/png', data: pngHeader(1440, 810) } };
// Grid (500, 250) on 1920x1080: cell 500 of 1000 → x 960..961.9 → 960; 250 → 270..271 → 270.
const AT = { x: 960, y: 270 };

describe('the tool', () => {
  it('excludes the browser-only actions', async () => {
    const { adapter } = await setup();
    expect(adapter.tool).toEqual({
      computerUse: {
        environment: 'ENVIRONMENT_BROWSER',
        excludedPredefinedFunctions: [
          'open_web_browser',
          'navigate',
          'search',
          'go_back',
          'go_forward',
        ],
      },
    });
  });
});

describe('the 0-999 grid', () => {
  it.each([
    [1280, 800],
    [1920, 1080],
    [2560, 1440],
  ])('on %dx%d, each cell lands inside its span of the screen', (width, height) => {
    for (let n = 0; n < 1000; n++) {
      const { x, y } = gridToScreen(n, n, { width, height });
      expect(x + 0.5).toBeGreaterThanOrEqual((n * width) / 1000);
      expect(x + 0.5).toBeLessThan(((n + 1) * width) / 1000 + 0.5);
      expect(y).toBeLessThan(height);
      expect(Math.floor((x * 1000) / width)).toBeLessThanOrEqual(n);
    }
    const corner = gridToScreen(999, 999, { width, height });
    expect(corner.x).toBeGreaterThanOrEqual(width - 2);
    expect(corner.y).toBeGreaterThanOrEqual(height - 2);
  });
});

describe('actions', () => {
  const cases: [string, Record<string, unknown>, unknown[][], number[]?][] = [
    [
      'click_at',
      { x: 500, y: 250 },
      [
        ['move_cursor', AT],
        ['left_click', {}],
      ],
    ],
    ['hover_at', { x: 500, y: 250 }, [['move_cursor', AT]]],
    [
      'type_text_at',
      { x: 500, y: 250, text: 'hello' },
      [
        ['move_cursor', AT],
        ['left_click', {}],
        ['hotkey', { keys: ['ctrl', 'a'] }],
        ['press_key', { key: 'backspace' }],
        ['type_text', { text: 'hello' }],
        ['press_key', { key: 'enter' }],
      ],
    ],
    [
      'type_text_at',
      { x: 500, y: 250, text: 'hi', press_enter: false, clear_before_typing: false },
      [
        ['move_cursor', AT],
        ['left_click', {}],
        ['type_text', { text: 'hi' }],
      ],
    ],
    [
      'key_combination',
      { keys: 'Control+Shift+T' },
      [['hotkey', { keys: ['ctrl', 'shift', 't'] }]],
    ],
    ['key_combination', { keys: 'Enter' }, [['press_key', { key: 'enter' }]]],
    ['key_combination', { keys: 'Control++' }, [['hotkey', { keys: ['ctrl', '+'] }]]],
    [
      'scroll_at',
      { x: 500, y: 250, direction: 'down', magnitude: 500 },
      [
        ['move_cursor', AT],
        // 500/1000 of 1080 px = 540 px = 5 notches.
        ['scroll', { x: 0, y: -5 }],
      ],
    ],
    [
      'scroll_at',
      { x: 500, y: 250, direction: 'left' },
      [
        ['move_cursor', AT],
        // The default 800/1000 of 1920 px = 1536 px = 15 notches.
        ['scroll', { x: -15, y: -0 }],
      ],
    ],
    [
      'scroll_document',
      { direction: 'up' },
      [
        ['move_cursor', { x: 960, y: 540 }],
        ['scroll', { x: 0, y: 5 }],
      ],
    ],
    [
      'drag_and_drop',
      { x: 0, y: 0, destination_x: 500, destination_y: 250 },
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
    ['wait_5_seconds', {}, [], [5000]],
  ];

  it.each(cases)('%s %j', async (name, args, expected, waits = [500]) => {
    const { run } = await setup();
    const { part, calls, sleeps } = await run(name, args);
    expect(part).toEqual({
      functionResponse: { id: 'fc_1', name, response: {}, parts: [INLINE] },
    });
    expect(calls).toEqual([...expected, SHOT]);
    expect(sleeps).toEqual(waits);
  });

  it('adds the url when told it', async () => {
    const { run } = await setup({ currentUrl: () => 'about:blank' });
    const { part } = await run('hover_at', { x: 1, y: 1 });
    expect(part.functionResponse.response).toEqual({ url: 'about:blank' });
  });
});

describe('safety decisions', () => {
  const args = {
    x: 1,
    y: 1,
    safety_decision: { decision: 'require_confirmation', explanation: 'A purchase' },
  };

  it('are refused without a callback', async () => {
    const { run, fake } = await setup();
    await expect(run('click_at', args)).rejects.toThrow(SafetyDecisionRefused);
    expect(fake.actions()).toEqual([]);
  });

  it('are acknowledged when the callback approves', async () => {
    const { run } = await setup({ onSafetyDecision: () => true });
    const { part, calls } = await run('click_at', args);
    expect(part.functionResponse.response).toEqual({ safety_acknowledgement: 'true' });
    expect(calls[1]).toEqual(['left_click', {}]);
  });
});

describe('errors come back in the response, with a screenshot and nothing done', () => {
  it.each([
    ['fly_to', {}, /unknown action "fly_to"/],
    ['navigate', { url: 'https://example.com' }, /navigate needs a browser/],
    ['click_at', { x: 1000, y: 5 }, /off the 0-999 grid/],
    ['click_at', { x: -1, y: 5 }, /off the 0-999 grid/],
    ['click_at', { y: 5 }, /x must be a number/],
    ['key_combination', { keys: 'Control+Warp' }, /unknown key "Warp"/],
    ['scroll_at', { x: 1, y: 1, direction: 'inward' }, /direction must be/],
    ['type_text_at', { x: 1, y: 1 }, /text must be a string/],
  ])('%s %j', async (name, args, message) => {
    const { run } = await setup();
    const { part, calls } = await run(name, args);
    expect(part.functionResponse.response).toEqual({ error: expect.stringMatching(message) });
    expect(part.functionResponse.parts).toEqual([INLINE]);
    expect(calls).toEqual([SHOT]);
  });

  it('a server failure', async () => {
    const fail = { command: 'left_click', code: 'internal', error: 'boom' };
    const { run } = await setup({}, { fail });
    const { part } = await run('click_at', { x: 1, y: 1 });
    expect(part.functionResponse.response).toEqual({
      error: 'The computer failed: boom (internal)',
    });
  });

  it('a lost connection rejects', async () => {
    const { run, fake } = await setup();
    fake.rejectWith = new ConnectionError('gone');
    await expect(run('click_at', { x: 1, y: 1 })).rejects.toThrow(ConnectionError);
  });
});
