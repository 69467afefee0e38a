import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import type { RunningServer } from '@cua/computer-server';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, startServer } from './helpers/server.js';
import { UpstreamPtyInterface } from './helpers/upstream-python-client.js';

/** Gone, or a zombie nobody reaps yet (it runs nothing any more). */
function processGone(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

async function until<T>(
  probe: () => T | undefined | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Collects a session's output as text. */
function collector() {
  const chunks: Buffer[] = [];
  return {
    onData: (data: Buffer) => chunks.push(data),
    get text() {
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

/** Reads `GET /pty/{pid}/stream` until it ends; returns its events. */
async function readStream(url: string, init: RequestInit = {}) {
  const response = await fetch(url, init);
  const events: { type: string; data?: string; code?: number }[] = [];
  const text = await response.text();
  for (const block of text.split('\n\n')) {
    const line = block.split('\n').find((l) => l.startsWith('data: '));
    if (line) events.push(JSON.parse(line.slice(6)) as (typeof events)[number]);
  }
  return { response, events };
}

function outputOf(events: { type: string; data?: string }[]): string {
  return Buffer.concat(
    events.filter((e) => e.type === 'output').map((e) => Buffer.from(e.data!, 'base64')),
  ).toString('utf8');
}

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ display: ':77' });
});
afterAll(async () => {
  await server.close();
});

describe('/pty as upstream’s Python client uses it', () => {
  it('runs bash with typed input, resizes it (stty size), and kill leaves no process', async () => {
    const client = new UpstreamPtyInterface(server.httpUrl);
    const out = collector();
    const handle = await client.create({
      command: 'bash --norc -i',
      envs: { PS1: 'ready> ' },
      onData: out.onData,
    });
    expect(handle).toMatchObject({ cols: 80, rows: 24 });
    expect(handle.pid).toBeGreaterThan(0);

    await until(() => out.text.includes('ready> '), 'the prompt');
    await handle.sendStdin(Buffer.from('echo "sum=$((6*7)) display=$DISPLAY"\n'));
    await until(() => out.text.includes('sum=42 display=:77'), 'the echo');

    await handle.resize(100, 30);
    await handle.sendStdin(Buffer.from('stty size\n'));
    await until(() => out.text.includes('30 100'), 'stty size after resize');

    // A job in its own process group, and (job control off, so setsid need not fork) one
    // that left the session: both must end with the terminal.
    await handle.sendStdin(
      Buffer.from('sleep 1000 & echo "bg=$!"; set +m; setsid sleep 1001 & echo "ss=$!"\n'),
    );
    const bg = Number(await until(() => /bg=(\d+)/.exec(out.text)?.[1], 'background pid'));
    const ss = Number(await until(() => /ss=(\d+)/.exec(out.text)?.[1], 'setsid pid'));
    expect(processGone(bg)).toBe(false);
    expect(processGone(ss)).toBe(false);

    expect(await handle.kill()).toBe(true);
    expect(await handle.wait()).toBe(-1);
    await until(() => processGone(handle.pid) && processGone(bg) && processGone(ss), 'no process');
  });

  it('sends stdin over HTTP when no socket is open, and reconnects with connect()', async () => {
    const client = new UpstreamPtyInterface(server.httpUrl);
    const first = collector();
    const handle = await client.create({
      command: 'sh',
      cols: 120,
      rows: 40,
      cwd: '/tmp',
      envs: { GREETING: 'hello from envs' },
      onData: first.onData,
    });
    expect(handle).toMatchObject({ cols: 120, rows: 40 });
    await handle.disconnect();
    // No socket: upstream's client falls back to POST /pty/{pid}/stdin.
    await handle.sendStdin(Buffer.from('echo "$GREETING in $(pwd)"\n'));
    const second = collector();
    const again = await client.connect(handle.pid, second.onData);
    expect(again).toMatchObject({ pid: handle.pid, cols: 120, rows: 40 });
    // What came out while nobody listened is in the scrollback the new socket starts with.
    await until(() => second.text.includes('hello from envs in /tmp'), 'scrollback on reconnect');
    await again.sendStdin(Buffer.from('exit 3\n'));
    expect(await again.wait()).toBe(3);
    await until(() => processGone(handle.pid), 'shell gone');
  });
});

describe('/pty routes', () => {
  it('streams output as server-sent events, a late subscriber first sees the scrollback', async () => {
    const created = await fetch(`${server.httpUrl}/pty`, {
      method: 'POST',
      body: JSON.stringify({ command: 'cat' }),
    });
    expect(created.status).toBe(200);
    const { pid } = (await created.json()) as { pid: number };
    const stdin = (text: string) =>
      fetch(`${server.httpUrl}/pty/${pid}/stdin`, {
        method: 'POST',
        body: JSON.stringify({ data: Buffer.from(text).toString('base64') }),
      });
    expect(await (await stdin('early line\n')).json()).toEqual({ ok: true });
    await sleep(200);

    const streaming = readStream(`${server.httpUrl}/pty/${pid}/stream`);
    await sleep(200);
    await stdin('late line\n');
    await sleep(200);
    expect(
      await (await fetch(`${server.httpUrl}/pty/${pid}`, { method: 'DELETE' })).json(),
    ).toEqual({
      killed: true,
    });
    const { response, events } = await streaming;
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(outputOf(events)).toMatch(/early line[\s\S]*late line/);
    expect(events.at(-1)).toEqual({ type: 'exit', code: -1 });
  });

  it('keeps a bounded scrollback: the newest bytes, at most the stated size', async () => {
    const small = await startServer({ pty: { scrollbackBytes: 4096 } });
    try {
      const created = await fetch(`${small.httpUrl}/pty`, {
        method: 'POST',
        body: JSON.stringify({ command: 'seq 1 20000; sleep 30' }),
      });
      const { pid } = (await created.json()) as { pid: number };
      await sleep(1000);
      const controller = new AbortController();
      const response = await fetch(`${small.httpUrl}/pty/${pid}/stream`, {
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      controller.abort();
      const event = JSON.parse(first.split('\n')[0]!.slice(6)) as { type: string; data: string };
      const replay = Buffer.from(event.data, 'base64');
      expect(event.type).toBe('output');
      expect(replay.length).toBeLessThanOrEqual(4096);
      expect(replay.length).toBeGreaterThan(3000);
      expect(replay.toString()).toMatch(/19999\r\n20000\r\n$/);
      await fetch(`${small.httpUrl}/pty/${pid}`, { method: 'DELETE' });
    } finally {
      await small.close();
    }
  });

  it('answers unknown pids with 404 on every route, and bad requests with 400', async () => {
    const url = server.httpUrl;
    const get = await fetch(`${url}/pty/999999`);
    expect(get.status).toBe(404);
    expect(await get.json()).toMatchObject({ detail: 'PTY session 999999 not found' });
    expect((await fetch(`${url}/pty/999999`, { method: 'DELETE' })).status).toBe(404);
    expect((await fetch(`${url}/pty/999999/stream`)).status).toBe(404);
    expect(
      (await fetch(`${url}/pty/999999/stdin`, { method: 'POST', body: '{"data":""}' })).status,
    ).toBe(404);
    const ws = new WebSocket(`${server.url.replace(/\/ws$/, '')}/pty/999999/ws`);
    const [, res] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(res.statusCode).toBe(404);
    expect((await fetch(`${url}/pty`, { method: 'GET' })).status).toBe(405);
    const bad = await fetch(`${url}/pty`, { method: 'POST', body: '{"cols": 0}' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'invalid_params' });
  });

  it('lists pty in /status features', async () => {
    const status = (await (await fetch(`${server.httpUrl}/status`)).json()) as {
      features: string[];
    };
    expect(status.features).toContain('pty');
  });
});

describe('/pty limits', () => {
  it('ends a session whose owner is gone for the grace period, and an idle one', async () => {
    const limited = await startServer({ pty: { ownerGraceMs: 400, idleMs: 60_000 } });
    const idle = await startServer({ pty: { idleMs: 400 } });
    try {
      const start = async (s: RunningServer) => {
        const response = await fetch(`${s.httpUrl}/pty`, {
          method: 'POST',
          body: JSON.stringify({ command: 'sleep 600' }),
        });
        return ((await response.json()) as { pid: number }).pid;
      };
      // Nobody ever attaches: gone after the grace.
      const orphan = await start(limited);
      // An attached subscriber keeps it, past the grace.
      const owned = await start(limited);
      const socket = new WebSocket(`${limited.url.replace(/\/ws$/, '')}/pty/${owned}/ws`);
      await once(socket, 'open');
      await until(() => processGone(orphan), 'orphan ended', 5000);
      await sleep(600);
      expect(processGone(owned)).toBe(false);
      const closed = once(socket, 'close');
      socket.close();
      await closed;
      await until(() => processGone(owned), 'owned session ended after its owner left', 5000);

      // Attached but silent: the idle limit ends it, and the subscriber hears exit -1.
      const quiet = await start(idle);
      const client = new UpstreamPtyInterface(idle.httpUrl);
      const handle = await client.connect(quiet);
      expect(await handle.wait()).toBe(-1);
      await until(() => processGone(quiet), 'idle session ended', 5000);
    } finally {
      await limited.close();
      await idle.close();
    }
  });

  it('ends every session when the server stops', async () => {
    const own = await startServer();
    const response = await fetch(`${own.httpUrl}/pty`, {
      method: 'POST',
      body: JSON.stringify({ command: 'sleep 600' }),
    });
    const { pid } = (await response.json()) as { pid: number };
    const streaming = readStream(`${own.httpUrl}/pty/${pid}/stream`);
    await sleep(100);
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await streaming).events.at(-1)).toEqual({ type: 'exit', code: -1 });
    await until(() => processGone(pid), 'session ended with the server', 5000);
  });
});

describe('/pty auth and origin', () => {
  let keyed: RunningServer;
  beforeAll(async () => {
    keyed = await startServer({
      auth: { mode: 'keys', apiKeys: ['sk-pty'], containerName: 'vm1', maxFailures: 100 },
    });
  });
  afterAll(async () => {
    await keyed.close();
  });

  it('needs credentials as /cmd does: headers on HTTP, query string or headers on the socket', async () => {
    const none = await fetch(`${keyed.httpUrl}/pty`, { method: 'POST', body: '{}' });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ detail: 'Container name required' });
    const wrong = await fetch(`${keyed.httpUrl}/pty/1`, {
      headers: { 'X-Container-Name': 'vm1', 'X-API-Key': 'nope' },
    });
    expect(wrong.status).toBe(401);

    const client = new UpstreamPtyInterface(keyed.httpUrl, { apiKey: 'sk-pty', vmName: 'vm1' });
    const out = collector();
    const handle = await client.create({ command: 'cat', onData: out.onData });
    await sleep(300);
    await handle.sendStdin(Buffer.from('via query string\n'));
    await until(() => out.text.includes('via query string'), 'echo through the socket');

    const wsBase = keyed.url.replace(/\/ws$/, '');
    const byHeaders = new WebSocket(`${wsBase}/pty/${handle.pid}/ws`, {
      headers: { 'X-Container-Name': 'vm1', 'X-API-Key': 'sk-pty' },
    });
    await once(byHeaders, 'open');
    byHeaders.close();
    const refused = new WebSocket(`${wsBase}/pty/${handle.pid}/ws?container_name=vm1&api_key=bad`);
    const [, res] = (await once(refused, 'unexpected-response')) as [
      unknown,
      { statusCode: number },
    ];
    expect(res.statusCode).toBe(403);
    expect(await handle.kill()).toBe(true);
  });

  it('refuses browser origins that are not allowed, on HTTP and on the socket', async () => {
    const page = await fetch(`${server.httpUrl}/pty`, {
      method: 'POST',
      headers: { Origin: 'http://evil.example' },
      body: '{}',
    });
    expect(page.status).toBe(403);
    const ws = new WebSocket(`${server.url.replace(/\/ws$/, '')}/pty/1/ws`, {
      headers: { Origin: 'http://evil.example' },
    });
    const [, res] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(res.statusCode).toBe(403);
  });
});
