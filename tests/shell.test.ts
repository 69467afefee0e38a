import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createHandlers, type RunningServer } from '@cua/computer-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, sleep, startServer } from './helpers/server.js';

const run = promisify(execFile);

let server: RunningServer;
let cappedServer: RunningServer;
let shortServer: RunningServer;
let client: RawClient;
let scratch: string;
let pidFiles = 0;

beforeAll(async () => {
  server = await startServer();
  cappedServer = await startServer({ handlers: createHandlers({ maxOutputBytes: 1000 }) });
  shortServer = await startServer({ commandTimeoutMs: 500 });
  client = await RawClient.open(server.url);
  scratch = await mkdtemp(path.join(tmpdir(), 'cua-shell-'));
});

afterAll(async () => {
  await client.close();
  await Promise.all([server.close(), cappedServer.close(), shortServer.close()]);
  await rm(scratch, { recursive: true, force: true });
});

async function postCmd(target: RunningServer, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${target.httpUrl}/cmd`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  expect(text.startsWith('data: ')).toBe(true);
  return JSON.parse(text.slice('data: '.length)) as Record<string, unknown>;
}

/** A file the command writes its pids into, one per line. */
function pidFile(): string {
  pidFiles += 1;
  return path.join(scratch, `pids-${pidFiles}`);
}

async function readPids(file: string, count: number, timeoutMs = 5000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const pids = text.split('\n').filter(Boolean).map(Number);
    if (pids.length >= count) return pids;
    if (Date.now() > deadline) throw new Error(`only ${pids.length} of ${count} pids in ${file}`);
    await sleep(20);
  }
}

/** Running or stopped, but not a zombie: a zombie runs nothing and waits for its reaper. */
async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return process.platform === 'linux' ? false : true;
  return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
}

/** Processes (not zombies) whose process group is `pgid`, from ps. */
async function groupMembers(pgid: number): Promise<string[]> {
  const { stdout } = await run('ps', ['-eo', 'pid=,pgid=,stat=,args=']);
  return stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, group, state]) => Number(group) === pgid && !state?.startsWith('Z'))
    .map((fields) => fields.join(' '));
}

async function expectAllGone(pids: number[], timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = [];
    for (const pid of pids) if (await isAlive(pid)) alive.push(pid);
    const group = await groupMembers(pids[0]!);
    if (alive.length === 0 && group.length === 0) return;
    if (Date.now() > deadline) {
      // Leave nothing behind even when the server did: the tree's group, then stragglers.
      for (const target of [-pids[0]!, ...alive]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      throw new Error(`still alive: ${alive.join(', ')}; group: ${group.join(' | ')}`);
    }
    await sleep(50);
  }
}

/** The shell writes its own pid, a nested shell's, and a background grandchild's. */
function treeCommand(file: string, before = ''): string {
  return (
    `${before}echo $$ >> ${file}; ` +
    `sh -c 'echo $$ >> ${file}; sleep 30 & echo $! >> ${file}; sleep 30; echo never'`
  );
}

describe('run_command (docs/protocol.md, Commands)', () => {
  it('returns stdout, stderr and the exit code; a non-zero exit is still a success', async () => {
    const reply = await client.request({
      command: 'run_command',
      params: { command: 'echo hi; echo err >&2; exit 3' },
    });
    expect(reply).toEqual({ success: true, stdout: 'hi\n', stderr: 'err\n', return_code: 3 });
  });

  it('works over POST /cmd, and through the aliases shell and exec', async () => {
    expect(
      await postCmd(server, { command: 'run_command', params: { command: 'echo post' } }),
    ).toEqual({ success: true, stdout: 'post\n', stderr: '', return_code: 0 });
    for (const alias of ['shell', 'exec']) {
      const reply = await client.request({ command: alias, params: { command: `echo ${alias}` } });
      expect(reply).toEqual({ success: true, stdout: `${alias}\n`, stderr: '', return_code: 0 });
    }
  });

  it('runs in the server working directory and environment', async () => {
    const reply = await client.request({
      command: 'run_command',
      params: { command: 'pwd; echo "$HOME"' },
    });
    expect(reply.stdout).toBe(`${process.cwd()}\n${process.env.HOME}\n`);
  });

  it('reports death by a signal as minus the signal number', async () => {
    const reply = await client.request({
      command: 'run_command',
      params: { command: 'kill -9 $$' },
    });
    expect(reply).toMatchObject({ success: true, return_code: -9 });
  });

  it('decodes invalid UTF-8 with replacement characters instead of failing', async () => {
    const reply = await client.request({
      command: 'run_command',
      params: { command: "printf '\\377a'; printf '\\342\\234\\223' >&2" },
    });
    expect(reply).toEqual({ success: true, stdout: '\uFFFDa', stderr: '✓', return_code: 0 });
  });

  it('closes stdin, so a command that reads it ends at once', async () => {
    const started = Date.now();
    const reply = await client.request({
      command: 'run_command',
      params: { command: 'cat; echo $?' },
    });
    expect(reply).toEqual({ success: true, stdout: '0\n', stderr: '', return_code: 0 });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a spawn failure names the command', async () => {
    const reply = await client.request({
      command: 'run_command',
      params: { command: 'echo a\u0000b' },
    });
    expect(reply).toMatchObject({ success: false, code: 'command_failed' });
    expect(reply.error).toContain("Could not run 'echo a\u0000b'");
  });

  it('timeout: upstream reply shape plus error and code, output so far kept', async () => {
    const started = Date.now();
    const reply = await client.request({
      command: 'run_command',
      params: { command: 'echo before; echo warn >&2; sleep 30', timeout: 0.5 },
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(reply).toEqual({
      success: false,
      stdout: 'before\n',
      stderr: 'warn\nCommand timed out after 0.5s',
      return_code: -1,
      error: 'Command timed out after 0.5s',
      code: 'timeout',
    });
  });

  it('timeout with no output: stderr is exactly upstream text', async () => {
    const reply = await postCmd(server, {
      command: 'run_command',
      params: { command: 'sleep 30', timeout: 0.2 },
    });
    expect(reply).toEqual({
      success: false,
      stdout: '',
      stderr: 'Command timed out after 0.2s',
      return_code: -1,
      error: 'Command timed out after 0.2s',
      code: 'timeout',
    });
  });

  it('timeout kills the whole process tree, grandchildren included', async () => {
    const file = pidFile();
    const started = Date.now();
    const reply = await client.request({
      command: 'run_command',
      params: { command: treeCommand(file), timeout: 0.5 },
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(reply).toMatchObject({ success: false, code: 'timeout', return_code: -1 });
    const pids = await readPids(file, 3);
    await expectAllGone(pids);
  });

  it('a client that disconnects mid-command leaves no process behind', async () => {
    const file = pidFile();
    const doomed = await RawClient.open(server.url);
    doomed.send({ command: 'run_command', id: 'long', params: { command: treeCommand(file) } });
    const pids = await readPids(file, 3);
    expect(await isAlive(pids[2]!)).toBe(true);
    doomed.ws.terminate();
    await expectAllGone(pids);
    expect(await client.request({ command: 'version' })).toMatchObject({ success: true });
  });

  it('an HTTP client that hangs up mid-command leaves no process behind', async () => {
    const file = pidFile();
    const controller = new AbortController();
    const request = fetch(`${server.httpUrl}/cmd`, {
      method: 'POST',
      body: JSON.stringify({ command: 'run_command', params: { command: treeCommand(file) } }),
      signal: controller.signal,
    }).catch(() => undefined);
    const pids = await readPids(file, 3);
    controller.abort();
    await request;
    await expectAllGone(pids);
  });

  it('the server-wide command timeout also kills the tree', async () => {
    const file = pidFile();
    const reply = await postCmd(shortServer, {
      command: 'run_command',
      params: { command: treeCommand(file) },
    });
    expect(reply).toMatchObject({ success: false, code: 'timeout' });
    await expectAllGone(await readPids(file, 3));
  });

  it('caps each stream by its encoded size, keeps draining, and says truncated', async () => {
    const capped = await RawClient.open(cappedServer.url);
    try {
      const reply = await capped.request({
        command: 'run_command',
        params: { command: "head -c 5000 /dev/zero | tr '\\0' a" },
      });
      expect(reply).toEqual({
        success: true,
        stdout: 'a'.repeat(1000),
        stderr: '',
        return_code: 0,
        truncated: true,
      });
      // 20 MB through a 64 KiB pipe: finishing at all proves the child was never left blocked.
      const big = await capped.request({
        command: 'run_command',
        params: { command: 'head -c 20000000 /dev/zero; echo done >&2' },
      });
      expect(big).toMatchObject({
        success: true,
        stderr: 'done\n',
        return_code: 0,
        truncated: true,
      });
      // The cap counts wire bytes: JSON writes each NUL as six (\u0000).
      expect(big.stdout).toBe('\0'.repeat(166));
      // A cut inside a multi-byte character drops the partial character, not a U+FFFD.
      const multi = await capped.request({
        command: 'run_command',
        params: { command: "printf 'ab'; for i in $(seq 500); do printf '✓'; done" },
      });
      expect(multi.stdout).toBe(`ab${'✓'.repeat(332)}`);
    } finally {
      await capped.close();
    }
  });

  it('replies when the shell exits even if a background job holds the pipes open', async () => {
    const started = Date.now();
    const reply = await client.request({
      command: 'run_command',
      params: { command: 'sleep 5 & echo $!; echo done' },
    });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(reply).toMatchObject({ success: true, return_code: 0 });
    const [pid, done] = String(reply.stdout).trim().split('\n');
    expect(done).toBe('done');
    // Left running on purpose (`app &` is how agents start programs); cleaned up here.
    expect(await isAlive(Number(pid))).toBe(true);
    process.kill(Number(pid), 'SIGKILL');
    await expectAllGone([Number(pid)]);
  });
});
