import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { Computer } from '@cua/computer-client';
import { describe, expect, it } from 'vitest';
import { CLI_PATH, startCli } from './helpers/server.js';

describe('computer-server CLI', () => {
  it('--help lists the options', () => {
    const run = spawnSync(process.execPath, [CLI_PATH, '--help'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    for (const flag of [
      '--host',
      '--port',
      '--command-timeout',
      '--log-level',
      '--allowed-host',
      '--max-reply-bytes',
      '--connection-budget-bytes',
      '--server-budget-bytes',
      '--shutdown-grace',
    ])
      expect(run.stdout).toContain(flag);
  });

  it('rejects a budget that is not a size', () => {
    const run = spawnSync(process.execPath, [CLI_PATH, '--server-budget-bytes', 'lots'], {
      encoding: 'utf8',
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/a size of at least 1KiB, e\.g\. 16MiB/);
  });

  it('--version prints the package version', () => {
    const run = spawnSync(process.execPath, [CLI_PATH, '--version'], { encoding: 'utf8' });
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('rejects a bad port with a clear message', () => {
    const run = spawnSync(process.execPath, [CLI_PATH, '--port', 'abc'], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('a port 0..65535');
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    '--port 0 serves on loopback and exits 0 on %s',
    async (signal) => {
      const cli = await startCli(['--port', '0', '--log-level', 'warn']);
      expect(cli.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
      const computer = new Computer({ url: cli.url });
      expect((await computer.version()).protocol).toBe(1);
      const exited = once(cli.child, 'exit');
      cli.child.kill(signal);
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
      await computer.close();
    },
  );

  it('fails clearly when the port is taken', async () => {
    const first = await startCli(['--port', '0', '--log-level', 'silent']);
    const port = new URL(first.url).port;
    const run = spawnSync(process.execPath, [CLI_PATH, '--port', port, '--log-level', 'silent'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/EADDRINUSE/);
    first.child.kill('SIGTERM');
    await once(first.child, 'exit');
  });
});
