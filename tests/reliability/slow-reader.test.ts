import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  killAllClis,
  rssMiB,
  sleep,
  startCliServer,
  WireClient,
  type CliServer,
} from './helpers.js';

/**
 * What a bounded server may use here: 64 MiB of unsent replies (the CLI's default
 * maxBufferedBytes, held as string and Buffer), the working buffers of the requests running at
 * once, and ~70 MiB at rest; measured peaks are ~220 (paced) and ~350 (burst). An unbounded one
 * passed 560 MiB with 300 requests and grows with every further request.
 */
const RSS_LIMIT_MIB = 450;
const FILE_BYTES = 1024 * 1024;

let scratch: string;
let file: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'cua-slow-reader-'));
  file = path.join(scratch, 'big.bin');
  await writeFile(file, randomBytes(FILE_BYTES));
});

afterAll(async () => {
  await killAllClis();
  await rm(scratch, { recursive: true, force: true });
});

interface Outcome {
  peakMiB: number;
  baselineMiB: number;
  versionsSent: number;
  versionsAnswered: number;
}

/**
 * One client asks for big replies and never reads them while another keeps calling `version`;
 * the CLI child's RSS is sampled throughout. `burst`: all requests written at once (they reach
 * the server in one read); otherwise a few at a time. `thenRead`: the reader finally reads, and
 * every reply must arrive.
 */
async function neverReads(
  cli: CliServer,
  requests: number,
  { burst, thenRead }: { burst: boolean; thenRead: boolean },
): Promise<Outcome> {
  const baselineMiB = rssMiB(cli.pid);
  let peakMiB = baselineMiB;
  const sampler = setInterval(() => {
    peakMiB = Math.max(peakMiB, rssMiB(cli.pid));
  }, 20);
  const reader = await WireClient.open(cli.url);
  reader.ws.pause();
  const other = await WireClient.open(cli.url);
  let versionsSent = 0;
  let running = true;
  const pings = (async () => {
    while (running) {
      other.send({ command: 'version' });
      versionsSent += 1;
      await sleep(50);
    }
  })();
  try {
    for (let i = 0; i < requests; i += 1) {
      const params = { path: file };
      reader.send(
        i % 2 === 0 ? { command: 'read_bytes', params, id: i } : { command: 'read_bytes', params },
      );
      if (!burst && i % 5 === 4) await sleep(20);
    }
    // Long enough for the server to read what it will and build every reply it will build.
    await sleep(1500);
    running = false;
    await pings;
    await other.until(() => other.replies.length >= versionsSent, 5000, 'version replies');
  } finally {
    running = false;
    clearInterval(sampler);
  }
  peakMiB = Math.max(peakMiB, rssMiB(cli.pid));
  const versionsAnswered = other.replies.filter((r) => r.success === true).length;

  if (thenRead) {
    // Once the reader reads again, every reply arrives: backpressure delays, it never drops.
    reader.ws.resume();
    await reader.until(() => reader.replies.length >= requests, 30_000, 'the held-back replies');
    const expectedLength = Math.ceil(FILE_BYTES / 3) * 4;
    for (const reply of reader.replies) {
      expect(reply).toMatchObject({ success: true });
      expect((reply.content_b64 as string).length).toBe(expectedLength);
    }
    await reader.close();
  } else {
    // Gone without ever reading: the server must shrug that off too.
    reader.ws.terminate();
  }
  await other.close();
  console.log(
    `never-reading client, ${requests} requests, burst ${burst}: ` +
      JSON.stringify({ peakMiB, baselineMiB }),
  );
  return { peakMiB, baselineMiB, versionsSent, versionsAnswered };
}

describe('a client that never reads its socket', () => {
  // ~1.4 MB of base64 per reply: ~280 MB of replies if nothing held the server back.
  it('paced requests: the server stops reading, memory stays bounded, others served', async () => {
    const cli = await startCliServer();
    const outcome = await neverReads(cli, 200, { burst: false, thenRead: true });
    const note = JSON.stringify(outcome);
    expect(outcome.versionsAnswered, note).toBe(outcome.versionsSent);
    expect(outcome.peakMiB, note).toBeLessThan(RSS_LIMIT_MIB);
    expect(cli.child.exitCode).toBeNull();
    await cli.kill();
  }, 60_000);

  // Regression (fixed in ba53028): pausing the socket alone did not bound memory. A burst
  // arrives in one TCP read, so every request in it still ran and queued its reply, and those
  // with ids all ran at once (peaks of 560-800 MB for 300 requests here). The session now starts
  // no request while the client is behind, and runs at most 32 with ids at a time.
  it('a burst of pipelined requests keeps memory bounded too', async () => {
    const cli = await startCliServer();
    // No reading afterwards: 500 × 1.4 MB would take long to deliver, and is not the point.
    const outcome = await neverReads(cli, 500, { burst: true, thenRead: false });
    const note = JSON.stringify(outcome);
    expect(outcome.versionsAnswered, note).toBe(outcome.versionsSent);
    expect(cli.child.exitCode).toBeNull();
    expect(outcome.peakMiB, note).toBeLessThan(RSS_LIMIT_MIB);
    await cli.kill();
  }, 60_000);
});
