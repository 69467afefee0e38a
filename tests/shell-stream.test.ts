import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OutputEventSchema } from '@cua/computer-protocol';
import { createHandlers, type RunningServer } from '@cua/computer-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, sleep, startServer } from './helpers/server.js';

type Frame = Record<string, unknown>;

let server: RunningServer;
let cappedServer: RunningServer;
let scratch: string;
const clients: RawClient[] = [];

beforeAll(async () => {
  server = await startServer();
  cappedServer = await startServer({ handlers: createHandlers({ maxOutputBytes: 1000 }) });
  scratch = await mkdtemp(path.join(tmpdir(), 'cua-stream-'));
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

afterAll(async () => {
  await Promise.all([server.close(), cappedServer.close()]);
  await rm(scratch, { recursive: true, force: true });
});

/** A raw client that also notes when each frame arrived. */
async function open(target = server): Promise<{ client: RawClient; at: number[] }> {
  const client = await RawClient.open(target.url);
  clients.push(client);
  const at: number[] = [];
  client.ws.on('message', () => at.push(performance.now()));
  return { client, at };
}

/** Frames up to and including the reply to `id` (the first one with `success`). */
async function untilReply(client: RawClient, id: string | number): Promise<Frame[]> {
  for (let count = 1; ; count += 1) {
    const frames = await client.waitFor(count);
    if (frames.some((f) => f.id === id && 'success' in f)) return frames;
  }
}

const isEvent = (frame: Frame) => !('success' in frame);

/** The concatenated `data` of one stream's events. */
function streamed(frames: Frame[], stream: 'stdout' | 'stderr'): string {
  return frames
    .filter((f) => isEvent(f) && f.stream === stream)
    .map((f) => String(f.data))
    .join('');
}

// `\ooo` escapes: /bin/sh is dash on Debian, whose printf has no `\x`.
const SPLIT_CHARACTER = "printf '\\344\\270'; sleep 0.1; printf '\\226'";

describe('run_command stream extension (docs/protocol.md, Interim frames)', () => {
  it('version announces stream, beside request-id', async () => {
    const { client } = await open();
    const reply = await client.request({ command: 'version' });
    expect(reply.features).toEqual(expect.arrayContaining(['request-id', 'stream']));
  });

  it('sends output events tagged with the id, in order, before the reply', async () => {
    const { client, at } = await open();
    const command = "printf 'a'; sleep 0.3; printf 'b' >&2; sleep 0.3; printf 'c'";
    client.send({ command: 'run_command', params: { command, stream: true }, id: 's1' });
    const frames = await untilReply(client, 's1');
    expect(frames).toEqual([
      { id: 's1', event: 'output', stream: 'stdout', data: 'a' },
      { id: 's1', event: 'output', stream: 'stderr', data: 'b' },
      { id: 's1', event: 'output', stream: 'stdout', data: 'c' },
      { success: true, id: 's1', stdout: 'ac', stderr: 'b', return_code: 0 },
    ]);
    for (const event of frames.slice(0, 3)) expect(OutputEventSchema.parse(event)).toEqual(event);
    // The sleeps separate the writes: the first piece came while the command still ran.
    expect(at[3]! - at[0]!).toBeGreaterThanOrEqual(200);
  });

  it('delivers a piece before the command ends (the command waits for the client)', async () => {
    const { client } = await open();
    const flag = path.join(scratch, 'go');
    const command = `printf 'ready'; while [ ! -e '${flag}' ]; do sleep 0.02; done; echo done`;
    client.send({ command: 'run_command', params: { command, stream: true, timeout: 10 }, id: 7 });
    const [first] = await client.waitFor(1);
    expect(first).toEqual({ id: 7, event: 'output', stream: 'stdout', data: 'ready' });
    await writeFile(flag, '');
    const frames = await untilReply(client, 7);
    expect(frames.at(-1)).toMatchObject({ success: true, id: 7, stdout: 'ready' + 'done\n' });
    expect(streamed(frames, 'stdout')).toBe('readydone\n');
  });

  it('keeps a multi-byte character split across two writes whole', async () => {
    const { client } = await open();
    client.send({
      command: 'run_command',
      params: { command: `${SPLIT_CHARACTER}; { ${SPLIT_CHARACTER}; } >&2`, stream: true },
      id: 2,
    });
    const frames = await untilReply(client, 2);
    expect(streamed(frames, 'stdout')).toBe('世');
    expect(streamed(frames, 'stderr')).toBe('世');
    for (const frame of frames) expect(JSON.stringify(frame)).not.toContain('\uFFFD');
    expect(frames.at(-1)).toMatchObject({ success: true, stdout: '世', stderr: '世' });
  });

  it('streams what the reply would decode, U+FFFD for invalid bytes included', async () => {
    const { client } = await open();
    const command = "printf 'x\\377'; sleep 0.05; printf '\\344\\270y'";
    client.send({ command: 'run_command', params: { command, stream: true }, id: 3 });
    const frames = await untilReply(client, 3);
    const reply = frames.at(-1)!;
    expect(reply.stdout).toBe('x\uFFFD\uFFFDy');
    expect(streamed(frames, 'stdout')).toBe(reply.stdout);
  });

  it('without an id, stream is ignored: exactly one frame, the reply', async () => {
    const { client } = await open();
    const command = "printf 'a'; sleep 0.1; printf 'b' >&2; sleep 0.1; printf 'c'";
    client.send({ command: 'run_command', params: { command, stream: true } });
    // Id-less replies come in order: the next frame after the reply is version's.
    client.send({ command: 'version' });
    const frames = await client.waitFor(2);
    expect(frames[0]).toEqual({ success: true, stdout: 'ac', stderr: 'b', return_code: 0 });
    expect(frames[1]).toMatchObject({ success: true, protocol: 1 });
    await sleep(100);
    expect(client.frames).toHaveLength(2);
  });

  it('over POST /cmd, stream is ignored: the body is exactly one data: event', async () => {
    const command = "printf 'a'; sleep 0.1; printf 'b' >&2; sleep 0.1; printf 'c'";
    const response = await fetch(`${server.httpUrl}/cmd`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ command: 'run_command', params: { command, stream: true }, id: 9 }),
    });
    const text = await response.text();
    expect(text.match(/^data:/gm)).toHaveLength(1);
    expect(text.startsWith('data: ')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(true);
    expect(JSON.parse(text.slice('data: '.length))).toEqual({
      success: true,
      id: 9,
      stdout: 'ac',
      stderr: 'b',
      return_code: 0,
    });
  });

  it('without stream, a request with an id gets the reply alone', async () => {
    const { client } = await open();
    const command = "printf 'a'; sleep 0.1; printf 'b'";
    const reply = await client.request({ command: 'run_command', params: { command }, id: 4 });
    expect(reply).toEqual({ success: true, id: 4, stdout: 'ab', stderr: '', return_code: 0 });
    await sleep(100);
    expect(client.frames).toHaveLength(1);
  });

  it('tags each request its own events when several stream at once', async () => {
    const { client } = await open();
    for (const id of ['p', 'q']) {
      const command = `printf '${id}1'; sleep 0.1; printf '${id}2'`;
      client.send({ command: 'run_command', params: { command, stream: true }, id });
    }
    await untilReply(client, 'p');
    await untilReply(client, 'q');
    const frames = client.frames;
    for (const id of ['p', 'q']) {
      const mine = frames.filter((f) => f.id === id);
      expect(streamed(mine, 'stdout')).toBe(`${id}1${id}2`);
      expect(mine.findIndex((f) => 'success' in f)).toBe(mine.length - 1);
    }
  });

  it('applies the output cap to events: they stop at it, and the reply says truncated', async () => {
    const { client } = await open(cappedServer);
    // 3000 bytes of x; on stderr 400 three-byte characters, so the cap cuts one in the middle.
    const command =
      "head -c 3000 /dev/zero | tr '\\0' x; " +
      "i=0; while [ $i -lt 400 ]; do printf '\\344\\270\\226'; i=$((i+1)); done >&2";
    client.send({ command: 'run_command', params: { command, stream: true }, id: 5 });
    const frames = await untilReply(client, 5);
    const reply = frames.at(-1)!;
    expect(reply).toMatchObject({ success: true, return_code: 0, truncated: true });
    expect(reply.stdout).toBe('x'.repeat(1000));
    expect(reply.stderr).toBe('世'.repeat(333));
    expect(streamed(frames, 'stdout')).toBe(reply.stdout);
    expect(streamed(frames, 'stderr')).toBe(reply.stderr);
    expect(frames.slice(0, -1).every(isEvent)).toBe(true);
  });
});
