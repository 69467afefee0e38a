import { describe, expect, it } from 'vitest';
import { ComputerError } from '../errors.js';
import { OpenAIComputer, SafetyCheckRefused, type OpenAIComputerOptions } from './openai.js';
import {
  FakeComputer,
  pngHeader,
  recordingSleep,
  type FakeOptions,
} from './fake-computer.test-util.js';
import { ToolInputError } from './tool-input-error.js';

async function setup(options: OpenAIComputerOptions = {}, fakeOptions: FakeOptions = {}) {
  // 2560x1440 in the GA tool's 1920x1200 box: 1920x1080, 4 screen pixels per 3.
  const fake = new FakeComputer({ width: 2560, height: 1440, ...fakeOptions });
  const { sleeps, sleep } = recordingSleep();
  const adapter = await OpenAIComputer.create(fake, { sleep, ...options });
  const run = async (action: unknown, extra: Record<string, unknown> = {}) => {
    fake.calls.length = 0;
    sleeps.length = 0;
    const output = await adapter.run({
      type: 'computer_call',
      call_id: 'call_1',
      action,
      ...extra,
    });
    return { output, calls: fake.actions().map((c) => [c.name, c.params]), sleeps };
  };
  return { fake, adapter, run, sleeps };
}

const SHOT = ['screenshot', { format: 'png', max_width: 1920, max_height: 1080 }];
const URL_1920 = `data:image/png;base64,${pngHeader(1920, 1080)}`;
// Screenshot pixel (300, 600) of 1920x1080 on 2560x1440.
const AT = { x: 400, y: 800 };

describe('tool definitions', () => {
  it('computer (GA): no size to declare', async () => {
    const { adapter } = await setup();
    expect(adapter.tool).toEqual({ type: 'computer' });
    expect(adapter.imageSize).toEqual({ width: 1920, height: 1080 });
  });

  it.each([
    [1280, 800, 1024, 640],
    [1920, 1080, 1024, 576],
    [2560, 1440, 1024, 576],
  ])('computer_use_preview on %dx%d declares %dx%d', async (width, height, w, h) => {
    const { adapter, run } = await setup({ tool: 'computer_use_preview' }, { width, height });
    expect(adapter.tool).toEqual({
      type: 'computer_use_preview',
      display_width: w,
      display_height: h,
      environment: 'linux',
    });
    const { output } = await run({ type: 'screenshot' });
    expect(output.output.image_url).toBe(`data:image/png;base64,${pngHeader(w, h)}`);
  });
});

describe('actions', () => {
  const cases: [string, Record<string, unknown>, unknown[][]][] = [
    [
      'click left',
      { type: 'click', button: 'left', x: 300, y: 600 },
      [
        ['move_cursor', AT],
        ['left_click', {}],
      ],
    ],
    [
      'click right',
      { type: 'click', button: 'right', x: 300, y: 600 },
      [
        ['move_cursor', AT],
        ['right_click', {}],
      ],
    ],
    [
      'click wheel',
      { type: 'click', button: 'wheel', x: 300, y: 600 },
      [
        ['move_cursor', AT],
        ['middle_click', {}],
      ],
    ],
    [
      'click back',
      { type: 'click', button: 'back', x: 300, y: 600 },
      [
        ['move_cursor', AT],
        ['hotkey', { keys: ['alt', 'left'] }],
      ],
    ],
    [
      'click forward',
      { type: 'click', button: 'forward', x: 300, y: 600 },
      [
        ['move_cursor', AT],
        ['hotkey', { keys: ['alt', 'right'] }],
      ],
    ],
    [
      'click holding keys',
      { type: 'click', button: 'left', x: 300, y: 600, keys: ['CTRL', 'SHIFT'] },
      [
        ['key_down', { key: 'ctrl' }],
        ['key_down', { key: 'shift' }],
        ['move_cursor', AT],
        ['left_click', {}],
        ['key_up', { key: 'shift' }],
        ['key_up', { key: 'ctrl' }],
      ],
    ],
    [
      'double_click',
      { type: 'double_click', x: 300, y: 600, keys: null },
      [
        ['move_cursor', AT],
        ['double_click', {}],
      ],
    ],
    [
      'drag',
      {
        type: 'drag',
        path: [
          { x: 0, y: 0 },
          { x: 150, y: 300 },
          { x: 300, y: 600 },
        ],
      },
      [
        [
          'drag',
          {
            path: [
              [0, 0],
              [200, 400],
              [AT.x, AT.y],
            ],
          },
        ],
      ],
    ],
    ['keypress one', { type: 'keypress', keys: ['ENTER'] }, [['press_key', { key: 'enter' }]]],
    [
      'keypress combo',
      { type: 'keypress', keys: ['CTRL', 'A'] },
      [['hotkey', { keys: ['ctrl', 'a'] }]],
    ],
    ['move', { type: 'move', x: 300, y: 600 }, [['move_cursor', AT]]],
    [
      'scroll down 300 px',
      { type: 'scroll', x: 300, y: 600, scroll_x: 0, scroll_y: 300 },
      [
        ['move_cursor', AT],
        ['scroll', { x: 0, y: -3 }],
      ],
    ],
    [
      'scroll up and left, small',
      { type: 'scroll', x: 300, y: 600, scroll_x: -20, scroll_y: -150 },
      [
        ['move_cursor', AT],
        ['scroll', { x: -1, y: 2 }],
      ],
    ],
    ['type', { type: 'type', text: 'hi ✓' }, [['type_text', { text: 'hi ✓' }]]],
  ];

  it.each(cases)('%s', async (_, action, expected) => {
    const { run } = await setup();
    const { output, calls, sleeps } = await run(action);
    expect(output).toEqual({
      type: 'computer_call_output',
      call_id: 'call_1',
      output: { type: 'computer_screenshot', image_url: URL_1920 },
    });
    expect(calls).toEqual([...expected, SHOT]);
    expect(sleeps).toEqual([500]);
  });

  it('screenshot: at once', async () => {
    const { run } = await setup();
    const { calls, sleeps } = await run({ type: 'screenshot' });
    expect(calls).toEqual([SHOT]);
    expect(sleeps).toEqual([]);
  });

  it('wait: two seconds by default, or ms', async () => {
    const { run } = await setup();
    expect((await run({ type: 'wait' })).sleeps).toEqual([2000]);
    expect((await run({ type: 'wait', ms: 300 })).sleeps).toEqual([300]);
  });

  it('batched actions[] run in order, answered by one screenshot', async () => {
    const { run } = await setup();
    const { calls, sleeps } = await run(undefined, {
      actions: [
        { type: 'click', button: 'left', x: 300, y: 600 },
        { type: 'type', text: 'abc' },
        { type: 'keypress', keys: ['ENTER'] },
      ],
    });
    expect(calls).toEqual([
      ['move_cursor', AT],
      ['left_click', {}],
      ['type_text', { text: 'abc' }],
      ['press_key', { key: 'enter' }],
      SHOT,
    ]);
    expect(sleeps).toEqual([500]);
  });

  it('with observe announced: the last command observes, nothing sleeps', async () => {
    const { run } = await setup({}, { features: ['observe'] });
    const { calls, sleeps } = await run({ type: 'type', text: 'x' });
    expect(calls).toEqual([
      ['type_text', { text: 'x', observe: { format: 'png', max_width: 1920, max_height: 1080 } }],
    ]);
    expect(sleeps).toEqual([]);
  });
});

describe('safety checks', () => {
  const checks = [{ id: 'cu_sc_1', code: 'malicious_instructions', message: 'Careful' }];

  it('are refused without a callback, and nothing runs', async () => {
    const { run, fake } = await setup();
    await expect(
      run({ type: 'type', text: 'x' }, { pending_safety_checks: checks }),
    ).rejects.toThrow(SafetyCheckRefused);
    expect(fake.actions()).toEqual([]);
  });

  it('are refused when the callback says no', async () => {
    const seen: unknown[] = [];
    const { run, fake } = await setup({
      onSafetyChecks: (c) => {
        seen.push(c);
        return false;
      },
    });
    await expect(
      run({ type: 'type', text: 'x' }, { pending_safety_checks: checks }),
    ).rejects.toThrow(/malicious_instructions \(Careful\)/);
    expect(seen).toEqual([checks]);
    expect(fake.actions()).toEqual([]);
  });

  it('are acknowledged in the output when the callback approves', async () => {
    const { run } = await setup({ onSafetyChecks: () => Promise.resolve(true) });
    const { output } = await run({ type: 'type', text: 'x' }, { pending_safety_checks: checks });
    expect(output.acknowledged_safety_checks).toEqual(checks);
  });
});

describe('errors', () => {
  it.each([
    ['an unknown action', { type: 'teleport' }, /unknown action "teleport"/],
    ['an unknown button', { type: 'click', button: 'fourth', x: 1, y: 1 }, /unknown button/],
    [
      'x off the screenshot',
      { type: 'click', button: 'left', x: 1920, y: 5 },
      /outside the 1920x1080/,
    ],
    ['a missing y', { type: 'move', x: 5 }, /two numbers/],
    ['a short drag', { type: 'drag', path: [{ x: 1, y: 1 }] }, /two \{x, y\} points/],
    ['an unknown key', { type: 'keypress', keys: ['CTRL', 'WARP'] }, /unknown key "WARP"/],
    ['a scroll without distance', { type: 'scroll', x: 1, y: 1 }, /scroll_x must be a number/],
    ['no action at all', undefined, /must be an object/],
  ])('%s: a ToolInputError, nothing done', async (_, action, message) => {
    const { run, fake } = await setup();
    const attempt = run(action);
    await expect(attempt).rejects.toThrow(ToolInputError);
    await expect(attempt).rejects.toThrow(message);
    expect(fake.actions()).toEqual([]);
  });

  it('a bad action in a batch stops the whole batch before anything runs', async () => {
    const { run, fake } = await setup();
    await expect(
      run(undefined, {
        actions: [
          { type: 'type', text: 'a' },
          { type: 'click', button: 'left', x: -5, y: 0 },
        ],
      }),
    ).rejects.toThrow(ToolInputError);
    expect(fake.actions()).toEqual([]);
  });

  it('a server failure: the ComputerError', async () => {
    const { run } = await setup(
      {},
      { fail: { command: 'left_click', code: 'internal', error: 'boom' } },
    );
    await expect(run({ type: 'click', button: 'left', x: 1, y: 1 })).rejects.toThrow(ComputerError);
  });
});

describe('first turn', () => {
  it('screenshot() gives an input_image of the screen', async () => {
    const { adapter } = await setup();
    expect(await adapter.screenshot()).toEqual({
      type: 'input_image',
      image_url: URL_1920,
      detail: 'auto',
    });
  });
});
