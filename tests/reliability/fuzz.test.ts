import { commands, COMMAND_NAMES } from '@cua/computer-protocol';
import { createHandlers, type RunningServer } from '@cua/computer-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../helpers/server.js';
import { compareRuns, FuzzSocket } from './fuzz-harness.js';
import { expectHttp, expectWs, FrameGenerator } from './frames.js';
import {
  killAllClis,
  recordingHandlers,
  Rng,
  SEED_NOTE,
  startCliServer,
  STUB_RESULTS,
  WireClient,
  type HandlerCall,
} from './helpers.js';

const MiB = 1024 * 1024;

// The in-process fuzz server: every handler records its call, only `version` (and nothing that
// touches the machine) is real. This file tests transport and dispatch, not the handlers.
const calls: HandlerCall[] = [];
let server: RunningServer;
let prototypeKeys: string[];

beforeAll(async () => {
  prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
  server = await startServer({
    handlers: recordingHandlers(calls, { version: createHandlers().version }),
  });
});

afterAll(async () => {
  await server?.close();
  await killAllClis();
});

describe('protocol fuzzing', () => {
  it('stub results satisfy their own result schemas', () => {
    for (const name of COMMAND_NAMES) {
      const parsed = commands[name].result.safeParse(STUB_RESULTS[name]);
      expect(parsed.success, `${name}: ${JSON.stringify(STUB_RESULTS[name])}`).toBe(true);
    }
  });

  it('/ws: one reply per frame, the socket stays usable, invalid params never run', async () => {
    calls.length = 0;
    const sockets = 4;
    const batches = 10;
    const batchSize = 100;
    const fuzzers = await Promise.all(
      Array.from({ length: sockets }, async (_, i) => {
        const socket = new FuzzSocket(await WireClient.open(server.url), 'stub', `ws socket ${i}`);
        const generator = new FrameGenerator(Rng.forTest(`fuzz ws ${i}`), {
          bigStringBudgetBytes: 10 * MiB,
          maxDepth: 10_000,
        });
        return { socket, generator };
      }),
    );
    await Promise.all(
      fuzzers.map(async ({ socket, generator }) => {
        for (let b = 0; b < batches; b += 1) {
          await socket.batch(generator, batchSize);
          if (socket.errors.length > 0) break;
        }
      }),
    );
    // Stray duplicates would arrive late.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const errors = fuzzers.flatMap(({ socket }) => socket.errors);
    expect(errors, `${SEED_NOTE}\n${errors.join('\n')}`).toEqual([]);
    const sent = fuzzers.reduce((n, { socket }) => n + socket.sent, 0);
    expect(sent).toBe(sockets * batches * (batchSize + 1));
    for (const { socket } of fuzzers) {
      expect(socket.client.closeCode, SEED_NOTE).toBeUndefined();
      expect(socket.outstanding, SEED_NOTE).toBe(0);
    }
    const runProblems = compareRuns(
      fuzzers.flatMap(({ socket }) => socket.expectedRuns),
      calls,
    );
    expect(runProblems, `${SEED_NOTE}\n${runProblems.join('\n')}`).toEqual([]);
    // Frames full of `__proto__` and `constructor` keys must not have touched the real prototype.
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await Promise.all(fuzzers.map(({ socket }) => socket.client.close()));
  }, 60_000);

  it('every command and alias, each param given each JSON type: refused unless valid', async () => {
    calls.length = 0;
    const frames = new FrameGenerator(Rng.forTest('sweep'), {
      bigStringBudgetBytes: 0,
      maxDepth: 0,
    }).sweep();
    const socket = new FuzzSocket(await WireClient.open(server.url), 'stub', 'sweep socket');
    await socket.sendAll(frames);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(socket.errors, socket.errors.join('\n')).toEqual([]);
    expect(socket.outstanding).toBe(0);
    const runProblems = compareRuns(socket.expectedRuns, calls);
    expect(runProblems, runProblems.join('\n')).toEqual([]);
    // The sweep means something only if most of its frames are refused for their params.
    const refused = frames.filter((f) => {
      const { outcome } = expectWs(f);
      return outcome.kind === 'failure' && outcome.code === 'invalid_params';
    }).length;
    expect(refused / frames.length).toBeGreaterThan(0.6);
    await socket.client.close();
  }, 30_000);

  it('POST /cmd: one response per request, right status, invalid params never run', async () => {
    calls.length = 0;
    const rng = Rng.forTest('fuzz http');
    const generator = new FrameGenerator(rng, { bigStringBudgetBytes: 8 * MiB, maxDepth: 5_000 });
    const expectedRuns: string[] = [];
    const errors: string[] = [];
    const bodies = Array.from({ length: 400 }, () => generator.next());
    let next = 0;
    const worker = async () => {
      while (next < bodies.length) {
        const frame = bodies[next]!;
        next += 1;
        const body = frame.binary ?? Buffer.from(frame.text!, 'utf8');
        const { status, expectation } = expectHttp(body.toString('utf8'));
        const { outcome } = expectation;
        if (outcome.kind === 'run') expectedRuns.push(`${outcome.name} ${outcome.fingerprint}`);
        const response = await fetch(`${server.httpUrl}/cmd`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: new Uint8Array(body),
        });
        const text = await response.text();
        const problem = judgeHttp(response.status, text, status, expectation);
        if (problem)
          errors.push(
            `${problem}\n    body: ${body.toString('utf8').slice(0, 160)}\n` +
              `    got ${response.status}: ${text.slice(0, 200)}`,
          );
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    expect(errors, `${SEED_NOTE}\n${errors.slice(0, 20).join('\n')}`).toEqual([]);
    const runProblems = compareRuns(expectedRuns, calls);
    expect(runProblems, `${SEED_NOTE}\n${runProblems.join('\n')}`).toEqual([]);
  }, 60_000);

  it('the CLI in its own process survives the fuzz and keeps answering', async () => {
    const cli = await startCliServer();
    // Real handlers here: only frames that would run a harmless command, or none, are sent.
    const harmless = new Set([
      'version',
      'file_exists',
      'directory_exists',
      'get_file_size',
      'diorama_cmd',
      'get_accessibility_tree',
      'find_element',
      'to_screen_coordinates',
      'to_screenshot_coordinates',
    ]);
    const sockets = await Promise.all(
      [0, 1].map(async (i) => ({
        socket: new FuzzSocket(await WireClient.open(cli.url), 'real', `cli socket ${i}`),
        generator: new FrameGenerator(Rng.forTest(`fuzz cli ${i}`), {
          bigStringBudgetBytes: 8 * MiB,
          maxDepth: 10_000,
        }),
      })),
    );
    await Promise.all(
      sockets.map(async ({ socket, generator }) => {
        for (let b = 0; b < 6; b += 1) {
          await socket.batch(
            generator,
            100,
            (e) => e.outcome.kind !== 'run' || harmless.has(e.outcome.name),
          );
        }
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const errors = sockets.flatMap(({ socket }) => socket.errors);
    expect(
      errors,
      `${SEED_NOTE}\n${errors.join('\n')}\n${cli.output().stderr.slice(-2000)}`,
    ).toEqual([]);
    expect(cli.child.exitCode, cli.output().stderr.slice(-2000)).toBeNull();
    const fresh = await WireClient.open(cli.url);
    expect(await fresh.call({ command: 'version', id: 'after' })).toMatchObject({
      success: true,
      id: 'after',
    });
    await Promise.all([fresh.close(), ...sockets.map(({ socket }) => socket.client.close())]);
    await cli.kill();
  }, 60_000);

  it('frames the WebSocket layer must refuse close only their own socket', async () => {
    const small = await startServer({
      maxPayloadBytes: 256 * 1024,
      handlers: recordingHandlers([]),
    });
    try {
      const bystander = await WireClient.open(small.url);
      const big = await WireClient.open(small.url);
      big.send('x'.repeat(300 * 1024));
      await big.until(
        () => big.closeCode !== undefined,
        5000,
        'the oversized frame to close its socket',
      );
      expect(big.closeCode).toBe(1009);

      const badUtf8 = await WireClient.open(small.url);
      badUtf8.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), false);
      await badUtf8.until(
        () => badUtf8.closeCode !== undefined,
        5000,
        'invalid UTF-8 to close its socket',
      );
      expect(badUtf8.closeCode).toBe(1007);

      expect(await bystander.call({ command: 'version' })).toMatchObject({ success: true });
      expect(bystander.closeCode).toBeUndefined();
      await bystander.close();
    } finally {
      await small.close();
    }
  });

  // Regression (fixed in ba53028): `parseParams` copied params with `out[key] = value`, which
  // for an own "__proto__" key sets the copy's prototype; zod then read the required params
  // through it, so a frame whose params held nothing but {"__proto__": {...}} ran its command.
  it('params smuggled in through a "__proto__" key never run a command', async () => {
    const smuggled: HandlerCall[] = [];
    const own = await startServer({ handlers: recordingHandlers(smuggled) });
    const client = await WireClient.open(own.url);
    try {
      const frames = [
        '{"command":"move_cursor","params":{"__proto__":{"x":1,"y":2}}}',
        '{"command":"write_text","params":{"path":"/tmp/cua-never",' +
          '"__proto__":{"content":"smuggled"}}}',
        '{"command":"run_command","params":{"__proto__":{"command":"touch /tmp/cua-never"}}}',
      ];
      const replies = [];
      for (const text of frames) {
        replies.push(await client.call(JSON.parse(text) as object));
      }
      for (const text of frames) {
        const response = await fetch(`${own.httpUrl}/cmd`, { method: 'POST', body: text });
        replies.push(
          JSON.parse((await response.text()).replace(/^data: /, '')) as Record<string, unknown>,
        );
      }
      expect(smuggled.map((c) => c.name)).toEqual([]);
      for (const reply of replies)
        expect(reply).toMatchObject({ success: false, code: 'invalid_params' });
    } finally {
      await client.close();
      await own.close();
    }
  });
});

function judgeHttp(
  status: number,
  text: string,
  expectedStatus: number,
  expectation: ReturnType<typeof expectHttp>['expectation'],
): string | undefined {
  if (status !== expectedStatus) return `expected HTTP ${expectedStatus}`;
  const { outcome } = expectation;
  if (status === 400) {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return 'expected a JSON error body';
    }
    if (outcome.kind !== 'failure' || body.code !== outcome.code) return 'wrong error code';
    return typeof body.detail === 'string' && body.detail.length > 0 ? undefined : 'no detail';
  }
  let reply: Record<string, unknown>;
  try {
    // One event: everything after the prefix is a single JSON document (the Python client's rule).
    if (!text.startsWith('data: ') || !text.endsWith('\n\n')) throw new Error('no event');
    reply = JSON.parse(text.slice('data: '.length)) as Record<string, unknown>;
  } catch {
    return 'expected exactly one `data: <json>` event';
  }
  const idKey = 'id' in reply ? JSON.stringify(reply.id) : undefined;
  if (idKey !== expectation.idKey) return `expected id ${expectation.idKey}, got ${idKey}`;
  if (outcome.kind === 'failure') {
    return reply.success === false && reply.code === outcome.code
      ? undefined
      : `expected ${outcome.code}`;
  }
  return reply.success === true ? undefined : 'expected the stub to succeed';
}
