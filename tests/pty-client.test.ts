import { readFileSync } from 'node:fs';
import { AuthenticationError, Computer, ComputerError, type PtyEvent } from '@cua/computer-client';
import type { RunningServer } from '@cua/computer-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, startServer } from './helpers/server.js';

function processGone(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

/** Reads events until `done` says so (or the stream ends); returns the text and the events. */
async function readUntil(
  events: AsyncIterator<PtyEvent>,
  done: (text: string) => boolean,
): Promise<{ text: string; exit?: number }> {
  let text = '';
  const decoder = new TextDecoder();
  for (;;) {
    const next = await events.next();
    if (next.done) return { text };
    if (next.value.type === 'exit') return { text, exit: next.value.code };
    text += decoder.decode(next.value.data, { stream: true });
    if (done(text)) return { text };
  }
}

let server: RunningServer;
let keyed: RunningServer;

beforeAll(async () => {
  server = await startServer();
  keyed = await startServer({ auth: { mode: 'keys', apiKeys: ['sk-c'], containerName: 'vm2' } });
});
afterAll(async () => {
  await server.close();
  await keyed.close();
});

describe('computer.pty against the real server', () => {
  it('create, attach (scrollback first), write, resize, kill — over a WebSocket Computer', async () => {
    const computer = new Computer({ url: server.url });
    const term = await computer.pty.create({
      command: 'bash --norc -i',
      cols: 90,
      rows: 20,
      envs: { PS1: 'client> ' },
    });
    expect(term).toMatchObject({ cols: 90, rows: 20 });
    await sleep(300);
    // Attached late: the prompt printed before is in the scrollback.
    const events = computer.pty.attach(term.pid);
    expect((await readUntil(events, (t) => t.includes('client> '))).text).toContain('client> ');

    await computer.pty.write(term.pid, 'echo "é $((2+3))"\n');
    expect((await readUntil(events, (t) => t.includes('é 5'))).text).toContain('é 5');
    await computer.pty.resize(term.pid, 132, 43);
    expect(await computer.pty.get(term.pid)).toEqual({ pid: term.pid, cols: 132, rows: 43 });
    await computer.pty.write(term.pid, new TextEncoder().encode('stty size\n'));
    expect((await readUntil(events, (t) => t.includes('43 132'))).text).toContain('43 132');

    expect(await computer.pty.kill(term.pid)).toBe(true);
    expect(await readUntil(events, () => false)).toMatchObject({ exit: -1 });
    expect(processGone(term.pid)).toBe(true);
    await expect(computer.pty.get(term.pid)).rejects.toMatchObject({ code: 'not_found' });
    await computer.close();
  });

  it('ends its iteration on the session’s exit, and on abort without ending the session', async () => {
    const computer = new Computer({ url: server.httpUrl });
    const done = await computer.pty.create({ command: 'echo finished; exit 7' });
    const all: PtyEvent[] = [];
    for await (const event of computer.pty.attach(done.pid)) all.push(event);
    expect(all.at(-1)).toEqual({ type: 'exit', code: 7 });

    const running = await computer.pty.create({ command: 'sleep 60' });
    const controller = new AbortController();
    const iteration = (async () => {
      for await (const event of computer.pty.attach(running.pid, { signal: controller.signal })) {
        all.push(event);
      }
    })();
    await sleep(200);
    controller.abort();
    await iteration;
    expect(processGone(running.pid)).toBe(false);
    expect(await computer.pty.kill(running.pid)).toBe(true);
  });

  it('sends the Computer’s credentials, and fails clearly without them', async () => {
    const good = new Computer({ url: keyed.httpUrl, containerName: 'vm2', apiKey: 'sk-c' });
    const term = await good.pty.create({ command: 'cat' });
    expect(await good.pty.kill(term.pid)).toBe(true);

    const bad = new Computer({ url: keyed.httpUrl, containerName: 'vm2', apiKey: 'wrong' });
    const failure = await bad.pty.create().catch((err: unknown) => err);
    expect(AuthenticationError.isInstance(failure)).toBe(true);

    const plain = new Computer({ url: server.httpUrl });
    const invalid = await plain.pty.create({ cols: 0 }).catch((err: unknown) => err);
    expect(ComputerError.isInstance(invalid)).toBe(true);
    expect(invalid).toMatchObject({ code: 'invalid_params' });
  });
});
