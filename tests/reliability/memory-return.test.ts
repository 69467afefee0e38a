import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, killAllClis, rssMiB, sleep, startCliServer, WireClient } from './helpers.js';

/**
 * Issue 12, "memory returns": after the exhaustion load of the other suites (non-reading
 * sockets, big reads, huge command output, endless files), the server's resident memory comes
 * back near where it started. The numbers are logged: the README states them.
 */
const MiB = 1024 * 1024;
/** Above the start, after the load and a short idle (measured: ~25). */
const SETTLED_LIMIT_MIB = 80;

let scratch: string;
let bigFile: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'cua-memory-return-'));
  bigFile = path.join(scratch, 'eight.bin');
  await writeFile(bigFile, randomBytes(8 * MiB - 1024));
});

afterAll(async () => {
  await killAllClis();
  await rm(scratch, { recursive: true, force: true });
});

describe('memory after a load test', () => {
  it('returns near the start once the load is gone', async () => {
    const cli = await startCliServer();
    const startMiB = rssMiB(cli.pid);
    let peakMiB = startMiB;
    const sampler = setInterval(() => (peakMiB = Math.max(peakMiB, rssMiB(cli.pid))), 20);
    try {
      // Sockets that never read, each asking for many 8 MB reads.
      const hogs = await Promise.all(Array.from({ length: 4 }, () => WireClient.open(cli.url)));
      for (const hog of hogs) {
        hog.ws.pause();
        for (let id = 0; id < 20; id += 1) {
          hog.send({ command: 'read_bytes', params: { path: bigFile }, id });
        }
      }
      // A client that reads: big reads, huge output, endless files.
      const reader = await WireClient.open(cli.url);
      const frames = [
        ...Array.from({ length: 12 }, (_, id) => ({
          command: 'read_bytes',
          params: { path: bigFile },
          id,
        })),
        { command: 'run_command', params: { command: 'head -c 30000000 /dev/zero' }, id: 100 },
        { command: 'read_bytes', params: { path: '/dev/zero' }, id: 101 },
        { command: 'read_text', params: { path: '/dev/urandom' }, id: 102 },
      ];
      for (const frame of frames) reader.send(frame);
      await reader.until(() => reader.replies.length === frames.length, 20_000, 'the replies');
      await sleep(500);
      await Promise.all([...hogs, reader].map((c) => c.close()));
      const loadedMiB = rssMiB(cli.pid);
      // Idle: the server has nothing left to hold (it collects garbage 1 s after that).
      await eventually(() => rssMiB(cli.pid) - startMiB < SETTLED_LIMIT_MIB - 20, 4000, 100);
      const settledMiB = rssMiB(cli.pid);
      const figures = {
        startMiB: Math.round(startMiB),
        peakMiB: Math.round(peakMiB),
        afterLoadMiB: Math.round(loadedMiB),
        settledMiB: Math.round(settledMiB),
      };
      console.log('rss', figures);
      expect(settledMiB - startMiB, JSON.stringify(figures)).toBeLessThan(SETTLED_LIMIT_MIB);
    } finally {
      clearInterval(sampler);
      await cli.kill();
    }
  });
});
