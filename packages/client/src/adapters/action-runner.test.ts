import { describe, expect, it, vi } from 'vitest';
import type * as ResultShapes from '../result-shapes.js';
import { ActionRunner, FALLBACK_SETTLE_MS } from './action-runner.js';
import { FakeComputer, recordingSleep } from './fake-computer.test-util.js';

// A client whose result shapes know `batch`, as it will once the protocol describes it.
vi.mock('../result-shapes.js', async (load) => {
  const real = await load<typeof ResultShapes>();
  return { RESULT_SHAPES: { ...real.RESULT_SHAPES, batch: { type: 'object' } } };
});

const capture = { format: 'png' as const, fit: { max_width: 640, max_height: 400 } };
const steps = [
  { command: 'move_cursor' as const, params: { x: 1, y: 2 } },
  { command: 'left_click' as const, params: {} },
];

describe('ActionRunner', () => {
  it('against a server without observe or batch: one call each, the wait, a screenshot', async () => {
    const fake = new FakeComputer();
    const { sleeps, sleep } = recordingSleep();
    const shot = await new ActionRunner(fake, [], { sleep }).run(steps, capture);
    expect(fake.calls.map((c) => c.name)).toEqual(['move_cursor', 'left_click', 'screenshot']);
    expect(sleeps).toEqual([FALLBACK_SETTLE_MS]);
    expect(shot).toMatchObject({ width: 640, height: 400, mediaType: 'image/png' });
  });

  it('with batch and observe: one batch carrying observe, answered by its observation', async () => {
    const fake = new FakeComputer();
    const { sleeps, sleep } = recordingSleep();
    const runner = new ActionRunner(fake, ['batch', 'observe'], { sleep });
    expect(runner.batch).toBe(true);
    const shot = await runner.run(steps, capture);
    expect(fake.calls).toEqual([
      {
        name: 'batch',
        params: {
          actions: steps,
          stop_on_error: true,
          observe: { format: 'png', max_width: 640, max_height: 400 },
        },
      },
    ]);
    expect(sleeps).toEqual([]);
    expect(shot).toMatchObject({ width: 640, height: 400 });
  });

  it('splits at client-side waits, observing only after the last group', async () => {
    const fake = new FakeComputer();
    const { sleeps, sleep } = recordingSleep();
    const runner = new ActionRunner(fake, ['batch', 'observe'], { sleep });
    await runner.run(
      [...steps, { waitMs: 250 }, { command: 'type_text', params: { text: 'x' } }],
      capture,
    );
    expect(fake.calls.map((c) => [c.name, 'observe' in c.params])).toEqual([
      ['batch', false],
      ['type_text', true],
    ]);
    expect(sleeps).toEqual([250]);
  });

  it('a trailing wait needs no settle wait, and nothing to do needs none', async () => {
    const fake = new FakeComputer();
    const { sleeps, sleep } = recordingSleep();
    const runner = new ActionRunner(fake, [], { sleep, settleMs: 100 });
    await runner.run([{ waitMs: 300 }], capture);
    await runner.run([], capture);
    await runner.run(steps, capture);
    expect(sleeps).toEqual([300, 100]);
  });

  it('reads the size from the PNG when the server reports none (upstream)', async () => {
    const fake = new FakeComputer({ width: 800, height: 600 });
    const call = fake.call;
    const upstream = {
      call: (async (name: string, params: Record<string, unknown>) => {
        const reply = (await (call as (n: string, p: unknown) => Promise<unknown>)(
          name,
          params,
        )) as Record<string, unknown>;
        const { width: _w, height: _h, scale: _s, ...rest } = reply;
        return rest;
      }) as unknown as typeof fake.call,
    };
    const shot = await new ActionRunner(upstream, [], {}).screenshot({ format: 'png' });
    expect(shot).toMatchObject({ width: 800, height: 600 });
  });
});
