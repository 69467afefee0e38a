import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAllClis, Rng, SEED_NOTE, sleep, startCliServer, WireClient } from './helpers.js';

const CONTENT_BYTES = 8 * 1024 * 1024;
const ROUNDS = 8;

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'cua-crash-write-'));
});

afterAll(async () => {
  await killAllClis();
  await rm(scratch, { recursive: true, force: true });
});

/** 8 MiB of one letter behind a header naming the round: any mix of two contents shows. */
function content(round: number): string {
  const header = `round ${round}\n`;
  return (
    header + String.fromCharCode(round % 2 === 0 ? 65 : 66).repeat(CONTENT_BYTES - header.length)
  );
}

function tempFiles(names: string[], name: string): string[] {
  return names.filter((n) => n.startsWith(`.${name}.`) && n.endsWith('.tmp'));
}

/**
 * Resolves `afterMs` after a new temp file of `name` shows up in `dir` (earlier rounds' kills
 * may have left some behind), or after 2 s without one.
 */
async function tempFileAppears(dir: string, name: string, before: string[], afterMs: number) {
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline) {
    if (tempFiles(await readdir(dir), name).some((n) => !before.includes(n))) break;
  }
  if (afterMs > 0) await sleep(afterMs);
}

function firstDifference(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) if (a[i] !== b[i]) return i;
  return n;
}

describe('kill -9 during write_text', () => {
  it('the file holds the old or the new content, never a mix', async () => {
    const rng = Rng.forTest('crash write');
    const target = path.join(scratch, 'target.txt');
    let current = content(0);
    await writeFile(target, current);

    // How long one write takes here (warm), so the timed kills land before, during and after it.
    const probe = await startCliServer();
    const probeClient = await WireClient.open(probe.url);
    let writeMs = Infinity;
    for (let i = 0; i < 3; i += 1) {
      const t0 = Date.now();
      await probeClient.call(
        { command: 'write_text', params: { path: target, content: current } },
        30_000,
      );
      writeMs = Math.min(writeMs, Date.now() - t0);
    }
    await probeClient.close();
    await probe.kill();

    const outcomes: string[] = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      const next = content(round);
      const cli = await startCliServer();
      const client = await WireClient.open(cli.url);
      const tempsBefore = tempFiles(await readdir(scratch), 'target.txt');
      client.send({ command: 'write_text', params: { path: target, content: next } });
      // Odd rounds: a random moment. Even rounds: just after the temp file appears, i.e. surely
      // while the new bytes are being written.
      const timing = round % 2 === 1 ? 'timed' : 'mid-write';
      if (timing === 'timed') await sleep(rng.int(0, Math.ceil(writeMs * 1.2)));
      else await tempFileAppears(scratch, 'target.txt', tempsBefore, rng.int(0, 2));
      const answered = client.replies.length > 0;
      await cli.kill();
      await client.close();

      const onDisk = await readFile(target, 'utf8');
      const which = onDisk === next ? 'new' : onDisk === current ? 'old' : 'mix';
      const what =
        `round ${round}: the file is ${which} (${onDisk.length} bytes, ` +
        `first byte that differs from ` +
        `the new content: ${firstDifference(onDisk, next)}) ${SEED_NOTE}`;
      expect(which, what).not.toBe('mix');
      // A success reply means the rename happened: the new content must be there.
      if (answered) expect(which, `${what}, though the write was acknowledged`).toBe('new');
      outcomes.push(`${timing}: ${which}${answered ? ' (acknowledged)' : ''}`);
      if (which === 'new') current = next;
    }
    const leftovers = tempFiles(await readdir(scratch), 'target.txt');
    // Not an error: a SIGKILL between creating and renaming the temp file leaves it behind.
    console.log(
      `kill -9 during write_text (one write takes ~${writeMs} ms): ${outcomes.join(', ')}; ` +
        `temp files left behind: ${leftovers.length}`,
    );
  }, 60_000);
});
