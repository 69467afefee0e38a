import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../helpers/server.js';
import {
  killAllClis,
  rssMiB,
  sleep,
  startCliServer,
  WireClient,
  type CliServer,
} from './helpers.js';

/**
 * Issue 12, "memory per connection is unbounded": the per-connection (64 MiB) and server-wide
 * (256 MiB) budgets for queued requests and unsent replies. Past `RSS_KILL_MIB` the CLI child is
 * killed, so an unbounded server fails the test rather than the machine.
 */
const RSS_KILL_MIB = 1200;
const MiB = 1024 * 1024;
/** Unbounded, 4 sockets x 20 replies of 10.7 MiB are kept: 850 MiB. */
const READS_PER_SOCKET = 20;

let scratch: string;
let bigFile: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'cua-budgets-'));
  bigFile = path.join(scratch, 'eight.bin');
  // Just under the 8 MiB read limit: each reply is ~10.7 MiB of base64.
  await writeFile(bigFile, randomBytes(8 * MiB - 1024));
});

afterAll(async () => {
  await killAllClis();
  await rm(scratch, { recursive: true, force: true });
});

/** Samples the child's RSS; kills it past the limit. */
function watch(cli: CliServer) {
  const baselineMiB = rssMiB(cli.pid);
  let peakMiB = baselineMiB;
  const timer = setInterval(() => {
    try {
      peakMiB = Math.max(peakMiB, rssMiB(cli.pid));
      if (peakMiB > RSS_KILL_MIB) cli.child.kill('SIGKILL');
    } catch {
      // Gone.
    }
  }, 20);
  return {
    baselineMiB,
    growthMiB: () => peakMiB - baselineMiB,
    stop: () => clearInterval(timer),
  };
}

describe('memory budgets', () => {
  it('frames without id behind a slow command: reading pauses, then every one is answered', async () => {
    const cli = await startCliServer();
    const rss = watch(cli);
    const client = await WireClient.open(cli.url);
    try {
      client.send({ command: 'run_command', params: { command: 'sleep 2' } });
      const frame = JSON.stringify({ command: 'version', params: { pad: 'x'.repeat(256 * 1024) } });
      let sent = 0;
      let stuck = false;
      let stuckSince: number | undefined;
      const stopAt = Date.now() + 1500;
      // As fast as the server takes them, until its reading visibly stops: the client's own
      // buffer then stays full.
      while (Date.now() < stopAt && sent < 4000) {
        if (client.ws.bufferedAmount < 4 * MiB) {
          client.ws.send(frame);
          sent += 1;
          stuckSince = undefined;
          continue;
        }
        stuckSince ??= Date.now();
        if (Date.now() - stuckSince > 250) {
          stuck = true;
          break;
        }
        await sleep(5);
      }
      expect(stuck, `the server read all ${sent} frames behind the slow command`).toBe(true);
      expect(sent * 256 * 1024).toBeLessThan(200 * MiB);
      await client.until(() => client.replies.length === sent + 1, 15_000, 'every reply');
      expect(client.replies[0]).toMatchObject({ success: true, return_code: 0 });
      expect(client.replies.slice(1).every((r) => r.success === true && 'protocol' in r)).toBe(
        true,
      );
      console.log('queued frames', { sent, growthMiB: rss.growthMiB() });
      expect(rss.growthMiB()).toBeLessThan(250);
    } finally {
      rss.stop();
      await client.close();
      await cli.kill();
    }
  });

  it('four sockets that never read, asking for 8 MB reads: bounded, others still served', async () => {
    const cli = await startCliServer();
    const rss = watch(cli);
    const hogs = await Promise.all(Array.from({ length: 4 }, () => WireClient.open(cli.url)));
    const other = await WireClient.open(cli.url);
    try {
      for (const hog of hogs) {
        hog.ws.pause();
        for (let id = 0; id < READS_PER_SOCKET; id += 1) {
          hog.send({ command: 'read_bytes', params: { path: bigFile }, id });
        }
      }
      // Meanwhile a well-behaved client keeps being answered.
      const started = Date.now();
      let answered = 0;
      while (Date.now() - started < 1500) {
        const reply = await other.call({ command: 'version' }, 3000);
        expect(reply.success).toBe(true);
        answered += 1;
        await sleep(50);
      }
      expect(answered).toBeGreaterThan(5);
      console.log('non-reading sockets', { growthMiB: rss.growthMiB() });
      // Unbounded, this passed 2 GB (each socket: 32 reads of 8 MB in flight, their replies kept).
      expect(rss.growthMiB()).toBeLessThan(600);
      // Once one reads, it gets every reply.
      hogs[0]!.ws.resume();
      await hogs[0]!.until(
        () => hogs[0]!.replies.length === READS_PER_SOCKET,
        15_000,
        'every read',
      );
      expect(hogs[0]!.replies.every((r) => r.success === true)).toBe(true);
    } finally {
      rss.stop();
      await Promise.all([...hogs, other].map((c) => c.close()));
      await cli.kill();
    }
  });

  it('a socket paused only because its requests wait is not dropped by the heartbeat', async () => {
    const server = await startServer({ heartbeatMs: 100 });
    const client = await WireClient.open(server.url);
    try {
      client.send({ command: 'run_command', params: { command: 'sleep 1' } });
      // More than the 1024 a connection may have queued: reading pauses for a second, far
      // longer than two heartbeats, and no pong can be read meanwhile.
      for (let i = 0; i < 1100; i += 1) client.send({ command: 'version' });
      await client.until(() => client.replies.length === 1101, 10_000, 'every reply');
      expect(client.closeCode).toBeUndefined();
    } finally {
      await client.close();
      await server.close();
    }
  });
});
