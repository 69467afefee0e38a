import { type Computer, ComputerError } from '@cua/computer-client';
import { AnthropicComputer } from '@cua/computer-client/anthropic';
import { beforeAll, describe, expect, it } from 'vitest';
import { openRecordingTerminal, x } from './helpers/desktop.js';
import { useDesktopServer } from './helpers/desktop-server.js';
import { openDelayedRepaint, pixelAt, REPAINT_COLORS, rgb } from './helpers/settle-apps.js';

const ctx = useDesktopServer({ client: 'computer' });

beforeAll(() => x(ctx.display, 'xsetroot', ['-solid', '#204060']));

const PNG = [0x89, 0x50, 0x4e, 0x47];

describe('the client: act, then observe', () => {
  it('an input method with observe resolves with the settled screenshot', async () => {
    const app = await openDelayedRepaint(ctx.display, 150);
    try {
      const { observation } = await ctx.computer.pressKey('a', { observe: { quietMs: 400 } });
      expect([...observation.data.subarray(0, 4)]).toEqual(PNG);
      expect(observation).toMatchObject({ format: 'png', width: 1280, height: 800, scale: 1 });
      expect(observation).toMatchObject({ settled: true, changed: true });
      expect(observation.settleMs).toBeGreaterThanOrEqual(130);
      const center = [app.area.x + app.area.width / 2, app.area.y + app.area.height / 2] as const;
      expect(await pixelAt(observation.data, ...center)).toEqual(rgb(REPAINT_COLORS[0]));
      // Without observe the method resolves with nothing, as before.
      expect(await ctx.computer.moveCursor(5, 5)).toBeUndefined();
    } finally {
      await app.close();
    }
  });

  it('observe() and the coordinate helpers on its image', async () => {
    const shot = await ctx.computer.observe({ maxWidth: 640, format: 'jpeg' });
    expect(shot).toMatchObject({ format: 'jpeg', width: 640, height: 400, scale: 0.5 });
    expect(shot.settled).toBe(true);
    expect(await ctx.computer.toScreenCoordinates(320, 200)).toEqual([640, 400]);
  });

  it('batch() runs typed actions as one unit; a malformed one rejects', async () => {
    const term = await openRecordingTerminal(ctx.display);
    try {
      const done = await ctx.computer.batch(
        [
          { command: 'type_text', params: { text: 'hi' } },
          { command: 'press_key', params: { key: 'enter' } },
        ],
        { observe: true },
      );
      expect(done.results).toEqual([{ success: true }, { success: true }]);
      expect(done.observation.settled).toBe(true);
      expect((await term.waitForBytes(3)).toString()).toBe('hi\r');

      const bad = await ctx.computer
        .batch([{ command: 'press_key', params: { key: 'nosuchkey' } }])
        .catch((error: unknown) => error);
      expect(ComputerError.isInstance(bad)).toBe(true);
      expect(bad).toMatchObject({ code: 'invalid_params' });
    } finally {
      await term.close();
    }
  });

  it('the Anthropic adapter uses observe and batch against this server: no sleep, one call', async () => {
    const sent: string[] = [];
    const recording = {
      call: ((name: string, ...rest: unknown[]) => {
        sent.push(name);
        return (ctx.computer.call as (...args: unknown[]) => Promise<unknown>)(name, ...rest);
      }) as Computer['call'],
    };
    const sleeps: number[] = [];
    const adapter = await AnthropicComputer.create(recording, {
      sleep: async (ms: number) => void sleeps.push(ms),
    });
    sent.length = 0;
    const result = await adapter.run({
      id: 'toolu_1',
      name: 'computer',
      input: { action: 'left_click', coordinate: [100, 100] },
    });
    expect(result.is_error).toBeUndefined();
    expect(result.content).toEqual([expect.objectContaining({ type: 'image' })]);
    // move_cursor and left_click as one batch carrying observe: no screenshot call, no sleep.
    expect(sent).toEqual(['batch']);
    expect(sleeps).toEqual([]);
  });
});
