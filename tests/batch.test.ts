import { CommandError, createHandlers } from '@cua/computer-server';
import { describe, expect, it } from 'vitest';
import { openRecordingTerminal, pointerPosition, sleep } from './helpers/desktop.js';
import { useDesktopServer } from './helpers/desktop-server.js';
import { RawClient } from './helpers/server.js';

const ctx = useDesktopServer({
  client: 'raw',
  server: ({ display }) => {
    // The real handlers, except that middle_click fails the way a real action may at run time.
    const handlers = createHandlers({ display });
    handlers.middle_click = () => {
      throw new CommandError('display_unavailable', 'the display went away (test stand-in)');
    };
    return { display, handlers };
  },
});
let nextId = 1;

async function call(command: string, params: Record<string, unknown>, via: RawClient = ctx.client) {
  const id = nextId++;
  via.send({ id, command, params });
  for (;;) {
    const reply = via.frames.find((frame) => frame.id === id);
    if (reply) return reply;
    await via.waitFor(via.frames.length + 1, 30_000);
  }
}

const type = (text: string) => ({ command: 'type_text', params: { text } });

describe('batch', () => {
  it('runs its actions in order and answers each', async () => {
    const term = await openRecordingTerminal(ctx.display);
    try {
      const reply = await call('batch', {
        actions: [
          type('ab'),
          { command: 'press_key', params: { key: 'c' } },
          { command: 'hotkey', params: { keys: ['shift', 'd'] } },
          type('e'),
          { command: 'move_cursor', params: { x: 321, y: 123 } },
        ],
      });
      expect(reply).toEqual({
        success: true,
        id: expect.any(Number),
        results: [
          { success: true },
          { success: true },
          { success: true },
          { success: true },
          { success: true },
        ],
      });
      expect((await term.waitForBytes(5)).toString()).toBe('abcDe');
      expect(pointerPosition(ctx.display)).toEqual({ x: 321, y: 123 });
    } finally {
      await term.close();
    }
  });

  it('stops at the first failure: the rest do not run, and results show where it stopped', async () => {
    const term = await openRecordingTerminal(ctx.display);
    try {
      const reply = await call('batch', {
        actions: [type('x'), { command: 'middle_click' }, type('y'), type('z')],
        observe: { format: 'jpeg', max_width: 320 },
      });
      expect(reply).toMatchObject({
        success: false,
        code: 'display_unavailable',
        error: expect.stringMatching(
          /^batch action 1 \(middle_click\) failed: .*2 of 4 actions ran/,
        ),
        results: [
          { success: true },
          { success: false, code: 'display_unavailable', error: expect.any(String) },
        ],
        // The screen after what did run is still worth showing the agent.
        observation: { format: 'jpeg', width: 320, settled: true },
      });
      await term.waitForBytes(1);
      await sleep(300);
      expect(term.bytes().toString()).toBe('x');

      // Without stop_on_error every action runs; the reply still fails, naming the first.
      const all = await call('batch', {
        actions: [type('1'), { command: 'middle_click' }, type('2')],
        stop_on_error: false,
      });
      expect(all).toMatchObject({ success: false, code: 'display_unavailable' });
      expect((all.results as unknown[]).map((r) => (r as { success: boolean }).success)).toEqual([
        true,
        false,
        true,
      ]);
      expect((await term.waitForBytes(3)).toString()).toBe('x12');
    } finally {
      await term.close();
    }
  });

  it('a malformed action runs nothing at all', async () => {
    const term = await openRecordingTerminal(ctx.display);
    try {
      const bad = await call('batch', {
        actions: [type('no'), { command: 'press_key', params: { key: 'nosuchkey' } }],
      });
      expect(bad).toMatchObject({
        success: false,
        code: 'invalid_params',
        error: expect.stringContaining('actions.1 (press_key): key: Unknown key: nosuchkey'),
      });
      const notInput = await call('batch', { actions: [{ command: 'screenshot' }] });
      expect(notInput).toMatchObject({ success: false, code: 'invalid_params' });
      const nested = await call('batch', {
        actions: [{ command: 'left_click', params: { observe: true } }],
      });
      expect(nested).toMatchObject({
        success: false,
        error: expect.stringContaining('observe the whole batch instead'),
      });
      await sleep(300);
      expect(term.bytes().length).toBe(0);
    } finally {
      await term.close();
    }
  });

  it("holds the input queue: another connection's input never lands between its actions", async () => {
    const term = await openRecordingTerminal(ctx.display);
    const other = await RawClient.open(ctx.server.url);
    try {
      // Long enough (1,200 characters, tens of milliseconds) to be under way when the others come.
      const actions = Array.from({ length: 60 }, () => type('AAAAAAAAAAAAAAAAAAAA'));
      const batch = call('batch', { actions }).then((reply) => ({ reply, at: performance.now() }));
      // Sent while the batch is under way, each on its own: they queue behind the batch.
      await sleep(5);
      const sentAt = performance.now();
      const singles = Promise.all(
        Array.from({ length: 6 }, () => call('type_text', { text: 'b' }, other)),
      );
      const [done, replies] = await Promise.all([batch, singles]);
      expect(done.reply).toMatchObject({ success: true });
      expect(replies.every((r) => r.success === true)).toBe(true);
      // The other connection's input really arrived while the batch ran.
      expect(sentAt).toBeLessThan(done.at);
      const typed = (await term.waitForBytes(1206)).toString();
      expect(typed.replace(/b/g, '')).toBe('A'.repeat(1200));
      expect(typed).toMatch(/^A{1200}b{6}$/);
    } finally {
      await other.close();
      await term.close();
    }
  });
});
