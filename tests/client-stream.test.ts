import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Computer, type ComputerOptions, type OutputChunk } from '@cua/computer-client';
import type { RunningServer } from '@cua/computer-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handlersWith, startServer } from './helpers/server.js';
import { startWsReplay } from './helpers/upstream-replay.js';

const COMMAND = "printf 'a'; sleep 0.3; printf 'b' >&2; sleep 0.3; printf 'c'";

let server: RunningServer;
let scratch: string;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  server = await startServer();
  scratch = await mkdtemp(path.join(tmpdir(), 'cua-client-stream-'));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await server.close();
  await rm(scratch, { recursive: true, force: true });
});

function computerFor(url: string, options: ComputerOptions = {}): Computer {
  const computer = new Computer({ url, ...options });
  cleanups.push(() => computer.close());
  return computer;
}

/** Runs COMMAND, noting each chunk and whether the call had resolved when it came. */
async function runRecorded(computer: Computer) {
  const chunks: Array<OutputChunk & { resolved: boolean }> = [];
  let resolved = false;
  const output = await computer
    .runCommand(COMMAND, { onOutput: (chunk) => chunks.push({ ...chunk, resolved }) })
    .finally(() => {
      resolved = true;
    });
  return { output, chunks };
}

describe('runCommand onOutput', () => {
  it('streams chunks in order, before the call resolves, over a WebSocket', async () => {
    const computer = computerFor(server.url);
    const { output, chunks } = await runRecorded(computer);
    expect(computer.features).toContain('stream');
    expect(chunks).toEqual([
      { stream: 'stdout', data: 'a', resolved: false },
      { stream: 'stderr', data: 'b', resolved: false },
      { stream: 'stdout', data: 'c', resolved: false },
    ]);
    expect(output).toEqual({ stdout: 'ac', stderr: 'b', returnCode: 0 });
  });

  it('hands over output while the command runs (it waits for the first chunk)', async () => {
    const computer = computerFor(server.url);
    const flag = path.join(scratch, 'go');
    const command = `printf 'ready'; while [ ! -e '${flag}' ]; do sleep 0.02; done; echo done`;
    const chunks: OutputChunk[] = [];
    const output = await computer.runCommand(command, {
      // Fails with `timeout` unless the first chunk reaches us while the command still runs.
      timeout: 10,
      onOutput: (chunk) => {
        chunks.push(chunk);
        if (chunks.length === 1) void writeFile(flag, '');
      },
    });
    expect(chunks.map((c) => c.data).join('')).toBe('readydone\n');
    expect(output.stdout).toBe('readydone\n');
  });

  it('asks for streaming only when onOutput is given', async () => {
    const seen: Array<{ stream: boolean | undefined; emit: boolean }> = [];
    const spy = await startServer({
      handlers: handlersWith({
        run_command: (params, ctx) => {
          seen.push({ stream: params.stream, emit: ctx.emit !== undefined });
          return { stdout: 'o', stderr: '', return_code: 0 };
        },
      }),
    });
    cleanups.push(() => spy.close());
    const computer = computerFor(spy.url);
    await computer.runCommand('x');
    const chunks: OutputChunk[] = [];
    // The handler sent no events: the client falls back to the reply.
    await computer.runCommand('x', { onOutput: (chunk) => chunks.push(chunk) });
    expect(seen).toEqual([
      { stream: undefined, emit: true },
      { stream: true, emit: true },
    ]);
    expect(chunks).toEqual([{ stream: 'stdout', data: 'o' }]);
  });

  it('rejects the call with what onOutput throws', async () => {
    const computer = computerFor(server.url);
    const error = new Error('enough');
    const outcome = computer.runCommand(COMMAND, {
      onOutput: () => {
        throw error;
      },
    });
    await expect(outcome).rejects.toBe(error);
    // The connection goes on: the late frames of that call are dropped.
    expect((await computer.runCommand('echo next')).stdout).toBe('next\n');
  });

  it('over HTTP, gets the whole output once per stream after the reply', async () => {
    const computer = computerFor(server.httpUrl);
    expect(computer.transportKind).toBe('http');
    const { output, chunks } = await runRecorded(computer);
    expect(chunks).toEqual([
      { stream: 'stdout', data: 'ac', resolved: false },
      { stream: 'stderr', data: 'b', resolved: false },
    ]);
    expect(output).toEqual({ stdout: 'ac', stderr: 'b', returnCode: 0 });
  });

  it('against an upstream server, gets the whole output once and never sends stream', async () => {
    // Upstream's real reply (tests/fixtures/upstream-recordings): the frame must be exactly the
    // recorded one, so a `stream` param would find no recording.
    const upstream = await startWsReplay(['version.no-params-key', 'run_command']);
    cleanups.push(() => upstream.close());
    const computer = computerFor(upstream.url);
    const chunks: OutputChunk[] = [];
    const output = await computer.runCommand('echo hi; echo err >&2; exit 3', {
      onOutput: (chunk) => chunks.push(chunk),
    });
    expect(chunks).toEqual([
      { stream: 'stdout', data: 'hi\n' },
      { stream: 'stderr', data: 'err\n' },
    ]);
    expect(output).toEqual({ stdout: 'hi\n', stderr: 'err\n', returnCode: 3 });
    expect(upstream.unmatched).toEqual([]);
    expect(upstream.answered).toEqual(['version.no-params-key', 'run_command']);
  });

  it('calls nothing for a command without output', async () => {
    for (const url of [server.url, server.httpUrl]) {
      const chunks: OutputChunk[] = [];
      await computerFor(url).runCommand('true', { onOutput: (chunk) => chunks.push(chunk) });
      expect(chunks).toEqual([]);
    }
  });
});
