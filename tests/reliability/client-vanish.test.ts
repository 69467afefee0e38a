import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunningServer } from '@cua/computer-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../helpers/server.js';
import { eventually, isAlive, sleep, WireClient } from './helpers.js';

let server: RunningServer;
let scratch: string;
let files = 0;
const everyPid = new Set<number>();

beforeAll(async () => {
  server = await startServer();
  scratch = await mkdtemp(path.join(tmpdir(), 'cua-vanish-'));
});

afterAll(async () => {
  // Whatever the outcome, no sleep of ours outlives the file. A pid may have been reused by
  // now, so only a process that still looks like one of ours is killed.
  for (const pid of everyPid) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (/^(sleep|\/bin\/sh)\0/.test(cmdline) && isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  await server?.close();
  await rm(scratch, { recursive: true, force: true });
});

/**
 * A shell with a background job, a subshell with its own background job, and a foreground
 * sleep: four processes, two levels deep, each writing its pid to `file`.
 */
function treeCommand(file: string): string {
  return [
    `sleep 30 & echo $! >> ${file}`,
    `(sleep 30 & echo $! >> ${file}; exec sleep 30) & echo $! >> ${file}`,
    `echo $$ >> ${file}`,
    'wait',
  ].join('; ');
}

/** The pids the tree wrote, once all four are there. */
async function treePids(file: string): Promise<number[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const pids = text.split('\n').filter(Boolean).map(Number);
    for (const pid of pids) everyPid.add(pid);
    if (pids.length >= 4) return pids;
    if (Date.now() > deadline) throw new Error(`only ${pids.length} of 4 pids in ${file}`);
    await sleep(20);
  }
}

function newPidFile(): string {
  files += 1;
  return path.join(scratch, `pids-${files}`);
}

describe('a client that vanishes mid-command', () => {
  it('/ws: terminating the socket kills the whole process tree', async () => {
    const client = await WireClient.open(server.url);
    const file = newPidFile();
    client.send({ command: 'run_command', params: { command: treeCommand(file) }, id: 1 });
    const pids = await treePids(file);
    expect(pids.every(isAlive)).toBe(true);
    client.ws.terminate();
    const allGone = await eventually(() => pids.every((pid) => !isAlive(pid)), 5000);
    expect(allGone, `still alive: ${pids.filter(isAlive).join(', ')}`).toBe(true);
    // The server is fine with it.
    const other = await WireClient.open(server.url);
    expect(await other.call({ command: 'version' })).toMatchObject({ success: true });
    await other.close();
  });

  it('/ws without ids: the tree dies even with more requests queued behind it', async () => {
    const client = await WireClient.open(server.url);
    const file = newPidFile();
    client.send({ command: 'run_command', params: { command: treeCommand(file) } });
    for (let i = 0; i < 5; i += 1)
      client.send({ command: 'run_command', params: { command: `echo ${i}` } });
    const pids = await treePids(file);
    client.ws.terminate();
    const allGone = await eventually(() => pids.every((pid) => !isAlive(pid)), 5000);
    expect(allGone, `still alive: ${pids.filter(isAlive).join(', ')}`).toBe(true);
  });

  it('POST /cmd: aborting the request kills the whole process tree', async () => {
    const file = newPidFile();
    const controller = new AbortController();
    const request = fetch(`${server.httpUrl}/cmd`, {
      method: 'POST',
      body: JSON.stringify({ command: 'run_command', params: { command: treeCommand(file) } }),
      signal: controller.signal,
    }).then(
      () => 'answered',
      (err: Error) => err.name,
    );
    const pids = await treePids(file);
    controller.abort();
    expect(await request).toBe('AbortError');
    const allGone = await eventually(() => pids.every((pid) => !isAlive(pid)), 5000);
    expect(allGone, `still alive: ${pids.filter(isAlive).join(', ')}`).toBe(true);
    await sleep(50);
    const response = await fetch(`${server.httpUrl}/status`);
    expect(response.status).toBe(200);
  });
});
