import { execFileSync } from 'node:child_process';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isCleanFailure,
  killAllClis,
  rssMiB,
  startCliServer,
  WireClient,
  type CliServer,
} from './helpers.js';

/**
 * Issue 12, "one request can exhaust the machine": each request here took the server (or the
 * machine) down before. The CLI runs in its own process and is watched: past `RSS_KILL_MIB` it
 * is killed, so a regression fails this test instead of the machine.
 */
const RSS_KILL_MIB = 700;
const MiB = 1024 * 1024;
/** What upstream's Python client accepts in one message. */
const PYTHON_CLIENT_MAX_MESSAGE_BYTES = 10 * MiB;

let cli: CliServer;
let scratch: string;
let peakMiB = 0;
let watcher: NodeJS.Timeout;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'cua-one-request-'));
  cli = await startCliServer(['--command-timeout', '20']);
  watcher = setInterval(() => {
    try {
      peakMiB = Math.max(peakMiB, rssMiB(cli.pid));
      if (peakMiB > RSS_KILL_MIB) cli.child.kill('SIGKILL');
    } catch {
      // Gone.
    }
  }, 20);
});

afterAll(async () => {
  clearInterval(watcher);
  await killAllClis();
  await rm(scratch, { recursive: true, force: true });
});

/** One request on a fresh socket: its reply, the raw frame length, and the RSS it cost. */
async function ask(frame: object, timeoutMs = 5000) {
  const client = await WireClient.open(cli.url);
  let frameBytes = 0;
  client.ws.on('message', (data: Buffer) => (frameBytes = data.length));
  const before = rssMiB(cli.pid);
  peakMiB = before;
  try {
    const reply = await client.call(frame, timeoutMs);
    return { reply, frameBytes, growthMiB: peakMiB - before };
  } finally {
    await client.close();
  }
}

describe('one request cannot exhaust the server', () => {
  it('read_bytes and read_text of /dev/zero fail at the stated limit, memory flat', async () => {
    for (const command of ['read_bytes', 'read_text']) {
      const { reply, growthMiB } = await ask({ command, params: { path: '/dev/zero' } });
      expect(isCleanFailure(reply), JSON.stringify(reply).slice(0, 300)).toBe(true);
      expect(reply.code).toBe('reply_too_large');
      expect(reply.error).toMatch(/at most 8 MiB \(8388608 bytes\).*offset and length/);
      expect(growthMiB).toBeLessThan(120);
    }
    // A range of it is fine.
    const { reply } = await ask({
      command: 'read_bytes',
      params: { path: '/dev/zero', offset: 0, length: 16 },
    });
    expect(reply).toMatchObject({
      success: true,
      content_b64: Buffer.alloc(16).toString('base64'),
    });
  });

  it('a 700 MB file is refused up front with its size; its ranges still read', async () => {
    const huge = path.join(scratch, 'huge.bin');
    // Sparse: no disk used.
    const handle = await open(huge, 'w');
    await handle.truncate(700 * 1000 * 1000);
    await handle.close();
    const { reply, growthMiB } = await ask({ command: 'read_bytes', params: { path: huge } });
    expect(reply).toMatchObject({
      success: false,
      code: 'reply_too_large',
      size: 700_000_000,
      max_bytes: 8 * MiB,
    });
    expect(reply.error).toContain('667.6 MiB (700000000 bytes)');
    expect(growthMiB).toBeLessThan(50);
    const text = await ask({ command: 'read_text', params: { path: huge } });
    expect(text.reply.code).toBe('reply_too_large');
    const range = await ask({
      command: 'read_bytes',
      params: { path: huge, offset: 699_999_990, length: 100 },
    });
    expect(range.reply).toMatchObject({ success: true, content_b64: 'AAAAAAAAAAAAAA==' });
  });

  it('a FIFO without a writer is refused at once and never wedges later file commands', async () => {
    const fifo = path.join(scratch, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const small = path.join(scratch, 'small.txt');
    await writeFile(small, 'still here\n');
    const client = await WireClient.open(cli.url);
    try {
      // More than libuv's 4 pool threads, every kind of file command that opens the path.
      const frames = [
        ...Array.from({ length: 6 }, (_, i) => ({
          command: i % 2 ? 'read_text' : 'read_bytes',
          params: { path: fifo },
        })),
        { command: 'write_bytes', params: { path: fifo, content_b64: 'eA==', append: true } },
        { command: 'write_text', params: { path: fifo, content: 'x' } },
      ].map((frame, i) => ({ ...frame, id: i }));
      for (const frame of frames) client.send(frame);
      await client.until(() => client.replies.length >= frames.length, 3000, 'FIFO replies');
      for (const reply of client.replies) {
        expect(reply, JSON.stringify(reply)).toMatchObject({
          success: false,
          code: 'invalid_params',
        });
        expect(String(reply.error)).toMatch(/FIFO|No such device/);
      }
      const after = await client.call({ command: 'read_text', params: { path: small } }, 2000);
      expect(after).toEqual({ success: true, content: 'still here\n' });
      // /dev/null is a device, not a pipe: writing to it still works.
      const devNull = await client.call(
        { command: 'write_text', params: { path: '/dev/null', content: 'x' } },
        2000,
      );
      expect(devNull).toEqual({ success: true });
    } finally {
      await client.close();
    }
  });

  it('run_command output of NUL bytes stays under 10 MiB on the wire, and says truncated', async () => {
    for (const command of [
      'head -c 30000000 /dev/zero',
      // Not UTF-8: each byte becomes U+FFFD, three bytes on the wire.
      "head -c 30000000 /dev/zero | tr '\\0' '\\377'",
      // Both streams at once.
      'head -c 30000000 /dev/zero; head -c 30000000 /dev/zero >&2',
    ]) {
      const { reply, frameBytes } = await ask(
        { command: 'run_command', params: { command } },
        15_000,
      );
      expect(reply, command).toMatchObject({ success: true, return_code: 0, truncated: true });
      expect(frameBytes, command).toBeLessThanOrEqual(PYTHON_CLIENT_MAX_MESSAGE_BYTES);
      expect(frameBytes, command).toBeGreaterThan(PYTHON_CLIENT_MAX_MESSAGE_BYTES - MiB);
    }
  });

  it('a reply above the stated reply limit fails clearly instead of being sent', async () => {
    // 8 MiB of \x01: within the read limit, but JSON writes each as six bytes (48 MiB).
    const controls = path.join(scratch, 'controls.txt');
    await writeFile(controls, Buffer.alloc(8 * MiB, 1));
    for (const via of ['ws', 'http'] as const) {
      let reply: Record<string, unknown>;
      let frameBytes: number;
      if (via === 'ws') {
        ({ reply, frameBytes } = await ask({ command: 'read_text', params: { path: controls } }));
      } else {
        const res = await fetch(`${cli.httpUrl}/cmd`, {
          method: 'POST',
          body: JSON.stringify({ command: 'read_text', params: { path: controls } }),
        });
        const body = await res.text();
        frameBytes = Buffer.byteLength(body);
        reply = JSON.parse(body.replace(/^data: /, '')) as Record<string, unknown>;
      }
      expect(reply, via).toMatchObject({
        success: false,
        code: 'reply_too_large',
        max_bytes: 16 * MiB,
      });
      expect(reply.error).toMatch(/reply limit of 16 MiB \(16777216 bytes\).*ranges.*scale/);
      expect(frameBytes).toBeLessThan(4096);
    }
  });
});
