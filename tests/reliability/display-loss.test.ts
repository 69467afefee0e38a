import type { RunningServer } from '@cua/computer-server';
import { afterAll, describe, expect, it } from 'vitest';
import { pointerPosition, startDesktop, type VirtualDisplay } from '../helpers/desktop.js';
import { startServer } from '../helpers/server.js';
import { sleep, WireClient, type Reply } from './helpers.js';

let first: VirtualDisplay | undefined;
let second: VirtualDisplay | undefined;
let server: RunningServer | undefined;
const clients: WireClient[] = [];

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.close();
  await second?.stop();
  await first?.stop();
});

/** `restarting`: the new Xvfb may already answer while startDesktop still waits for it. */
type Phase = 'before' | 'dead' | 'restarting' | 'back';

interface Answer {
  phase: Phase;
  command: string;
  reply: Reply;
}

describe('the X server killed mid-session', () => {
  it('desktop calls under traffic are all answered, version keeps working, recovery', async () => {
    first = await startDesktop();
    const display = first.display;
    server = await startServer({ display });
    const desktopClient = await WireClient.open(server.url);
    const idClient = await WireClient.open(server.url);
    const metaClient = await WireClient.open(server.url);
    clients.push(desktopClient, idClient, metaClient);

    let phase: Phase = 'before';
    let running = true;
    const answers: Answer[] = [];
    const versions: Array<{ phase: Phase; ok: boolean }> = [];
    let nextId = 1;

    // One client pipelines a screenshot and a pointer move at a time (no ids, in order).
    const desktopLoop = (async () => {
      for (let i = 0; running; i += 1) {
        const asked: Phase = phase;
        const from = desktopClient.replies.length;
        desktopClient.send({ command: 'screenshot', params: { format: 'jpeg', quality: 50 } });
        desktopClient.send({ command: 'move_cursor', params: { x: 10 + (i % 100), y: 20 } });
        await desktopClient.until(
          () => desktopClient.replies.length >= from + 2,
          15_000,
          'desktop replies',
        );
        answers.push({ phase: asked, command: 'screenshot', reply: desktopClient.replies[from]! });
        answers.push({
          phase: asked,
          command: 'move_cursor',
          reply: desktopClient.replies[from + 1]!,
        });
      }
    })();
    // Another runs reads with ids, several in flight at once.
    const idLoop = (async () => {
      while (running) {
        const asked: Phase = phase;
        const ids = [nextId++, nextId++, nextId++];
        const names = ['get_cursor_position', 'get_screen_size', 'screenshot'];
        const replies = await Promise.all(
          ids.map((id, k) => idClient.call({ command: names[k]!, id }, 15_000, (r) => r.id === id)),
        );
        replies.forEach((reply, k) => answers.push({ phase: asked, command: names[k]!, reply }));
      }
    })();
    const metaLoop = (async () => {
      while (running) {
        const asked: Phase = phase;
        const reply = await metaClient.call({ command: 'version' }, 5000);
        versions.push({ phase: asked, ok: reply.success === true });
        await sleep(20);
      }
    })();

    try {
      await sleep(700);
      process.kill(first.xvfbPid, 'SIGKILL');
      await first.exited;
      phase = 'dead';
      await sleep(1500);

      phase = 'restarting';
      second = await startDesktop({ display, windowManager: 'none' });
      phase = 'back';
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const recent = answers.filter((a) => a.phase === 'back' && a.command === 'screenshot');
        if (recent.filter((a) => a.reply.success === true).length >= 3) break;
        await sleep(100);
      }
    } finally {
      running = false;
      await Promise.allSettled([desktopLoop, idLoop, metaLoop]);
    }

    const summary = (p: Phase) =>
      answers
        .filter((a) => a.phase === p)
        .reduce<Record<string, number>>((acc, a) => {
          const key = a.reply.success === true ? 'ok' : String(a.reply.code);
          acc[key] = (acc[key] ?? 0) + 1;
          return acc;
        }, {});
    const note = JSON.stringify({
      before: summary('before'),
      dead: summary('dead'),
      restarting: summary('restarting'),
      back: summary('back'),
    });

    // Every desktop call was answered with success or display_unavailable, nothing else.
    const odd = answers.filter(
      (a) =>
        a.reply.success !== true &&
        !(a.reply.success === false && a.reply.code === 'display_unavailable'),
    );
    expect(
      odd.map((a) => `${a.phase} ${a.command}: ${JSON.stringify(a.reply).slice(0, 200)}`),
      note,
    ).toEqual([]);
    expect(summary('before').ok, note).toBeGreaterThan(0);
    expect(summary('dead').display_unavailable, note).toBeGreaterThan(0);
    expect(
      answers.filter((a) => a.phase === 'back' && a.reply.success === true).length,
      note,
    ).toBeGreaterThan(0);

    // version never failed, and kept coming while the display was gone.
    expect(versions.every((v) => v.ok)).toBe(true);
    expect(versions.filter((v) => v.phase === 'dead').length).toBeGreaterThan(10);
    for (const client of [desktopClient, idClient, metaClient])
      expect(client.closeCode).toBeUndefined();

    // Desktop commands drive the new display for real.
    expect(
      await desktopClient.call({ command: 'move_cursor', params: { x: 37, y: 41 } }),
    ).toMatchObject({
      success: true,
    });
    expect(pointerPosition(display)).toEqual({ x: 37, y: 41 });
  }, 60_000);
});
