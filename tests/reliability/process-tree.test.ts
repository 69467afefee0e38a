import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, startCli, startServer } from '../helpers/server.js';
import {
  eventually,
  isAlive,
  killAllClis,
  sleep,
  startCliServer,
  WireClient,
  type CliServer,
} from './helpers.js';

/** Issue 12, "processes and shutdown": no command's process outlives its command or the server. */

let scratch: string;
const strays: number[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'cua-tree-'));
});

afterAll(async () => {
  await killAllClis();
  // Whatever a failing run left behind.
  for (const pid of strays) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone.
    }
  }
  await rm(scratch, { recursive: true, force: true });
});

async function pidsIn(file: string, count: number): Promise<number[]> {
  let pids: number[] = [];
  const found = await eventually(
    () => {
      try {
        pids = readFileSync(file, 'utf8').split(/\s+/).filter(Boolean).map(Number);
      } catch {
        // Not written yet.
      }
      return pids.length >= count;
    },
    5000,
    20,
  );
  if (!found) throw new Error(`${file} never held ${count} pids`);
  strays.push(...pids);
  return pids;
}

describe('process trees', () => {
  let cli: CliServer;

  beforeAll(async () => {
    cli = await startCliServer();
  });

  it('a timeout kills children that left the process group with setsid', async () => {
    const file = path.join(scratch, 'setsid.pids');
    // One escapes with setsid in the background (parent still the shell), one with setsid -f
    // (forked away at once, reparented to init): neither is in the shell's process group.
    const command =
      `setsid sleep 60 & echo $! >> ${file}; ` +
      `setsid -f sh -c 'echo $$ >> ${file}; exec sleep 60'; sleep 30`;
    const client = await WireClient.open(cli.url);
    try {
      const reply = await client.call({
        command: 'run_command',
        params: { command, timeout: 0.5 },
      });
      expect(reply).toMatchObject({ success: false, code: 'timeout', return_code: -1 });
      const pids = await pidsIn(file, 2);
      const dead = await eventually(() => pids.every((pid) => !isAlive(pid)), 1500);
      expect(dead, `still alive: ${pids.filter(isAlive).join(' ')}`).toBe(true);
    } finally {
      await client.close();
    }
  });

  it("run_command does not see the server's API keys (CLI and embedded server)", async () => {
    const secret = 'sk-secret-do-not-leak';
    const { child, url } = await startCli(
      ['--host', '127.0.0.1', '--port', '0', '--auth', 'none'],
      cleanEnv({ CUA_API_KEYS: secret, CUA_API_KEY: secret, CUA_LOG_LEVEL: 'warn' }),
    );
    try {
      const client = await WireClient.open(url);
      const reply = await client.call({ command: 'run_command', params: { command: 'env' } });
      expect(reply.success).toBe(true);
      expect(String(reply.stdout)).not.toContain(secret);
      expect(String(reply.stdout)).toContain('PATH=');
      await client.close();
    } finally {
      child.kill('SIGKILL');
    }
    // Embedded: the keys sit in the embedder's environment.
    process.env.CUA_API_KEYS = secret;
    try {
      const embedded = await startServer();
      try {
        const client = await WireClient.open(embedded.url);
        const reply = await client.call({ command: 'run_command', params: { command: 'env' } });
        expect(String(reply.stdout)).not.toContain(secret);
        await client.close();
      } finally {
        await embedded.close();
      }
    } finally {
      delete process.env.CUA_API_KEYS;
    }
  });
});

describe('shutdown', () => {
  it('SIGTERM aborts commands in flight on /cmd and /ws, and their trees die before exit', async () => {
    const cli = await startCliServer(['--shutdown-grace', '0.3']);
    const httpFile = path.join(scratch, 'http.pids');
    const wsFile = path.join(scratch, 'ws.pids');
    const tree = (file: string) =>
      `sleep 60 & echo $! >> ${file}; sleep 60 & echo $! >> ${file}; wait`;
    const http = fetch(`${cli.httpUrl}/cmd`, {
      method: 'POST',
      body: JSON.stringify({ command: 'run_command', params: { command: tree(httpFile) } }),
    }).then(
      async (res) => ({ status: res.status, text: await res.text() }),
      (err: unknown) => ({ status: 0, text: String(err) }),
    );
    const client = await WireClient.open(cli.url);
    client.send({ command: 'run_command', params: { command: tree(wsFile) } });
    const pids = [...(await pidsIn(httpFile, 2)), ...(await pidsIn(wsFile, 2))];
    const signalAt = Date.now();
    cli.child.kill('SIGTERM');
    const exit = await Promise.race([cli.exited, sleep(6000).then(() => undefined)]);
    expect(exit, cli.output().stderr.slice(-500)).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalAt).toBeLessThan(4000);
    // Checked right after the exit: nothing was left to die later.
    expect(pids.filter(isAlive), 'processes that outlived the server').toEqual([]);
    // Both clients were answered: the command was stopped, and said so.
    const answer = await http;
    expect(answer.status).toBe(200);
    expect(answer.text).toMatch(/^data: \{"success":false/);
    await client.until(() => client.replies.length > 0, 2000, 'the ws reply');
    expect(client.replies[0]).toMatchObject({ success: false, code: 'command_failed' });
    expect(String(client.replies[0]!.error)).toContain('server shutting down');
    await client.close();
  });
});
