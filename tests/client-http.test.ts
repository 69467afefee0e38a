import {
  AuthenticationError,
  Computer,
  ComputerError,
  ConnectionError,
  TimeoutError,
  type FetchLike,
} from '@cua/computer-client';
import { SERVER_FEATURES, type RunningServer } from '@cua/computer-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handlersWith, sleep, startServer } from './helpers/server.js';

let server: RunningServer;
let keyed: RunningServer;

beforeAll(async () => {
  server = await startServer({
    handlers: handlersWith({
      get_file_size: async ({ path }) => {
        if (path === '/slow') await sleep(400);
        return { size: path.length };
      },
    }),
  });
  keyed = await startServer({ auth: { mode: 'keys', apiKeys: ['k'] } });
});
afterAll(async () => {
  await server.close();
  await keyed.close();
});

/** A fetch that records what it was asked, then does the real thing. */
function recordingFetch() {
  const requests: { url: string; headers: Record<string, string>; body: unknown }[] = [];
  const fetchFn: FetchLike = (url, init) => {
    requests.push({ url, headers: init.headers, body: JSON.parse(init.body) as unknown });
    return fetch(url, init);
  };
  return { requests, fetch: fetchFn };
}

describe('HTTP transport (POST /cmd)', () => {
  it('is chosen by an http URL and works end to end', async () => {
    const { requests, fetch } = recordingFetch();
    const computer = new Computer({ url: server.httpUrl, fetch });
    expect(computer.transportKind).toBe('http');
    expect(computer.url).toBe(server.httpUrl);
    const version = await computer.version();
    expect(version).toEqual({
      protocol: 1,
      package: expect.any(String),
      features: [...SERVER_FEATURES],
    });
    expect(computer.features).toEqual([...SERVER_FEATURES]);
    expect(computer.state).toBe('open');
    expect(requests).toEqual([
      {
        url: `${server.httpUrl}/cmd`,
        headers: { 'content-type': 'application/json' },
        body: { command: 'version', params: {} },
      },
    ]);
    await computer.close();
  });

  it.each([
    ['a /cmd URL', (s: RunningServer) => ({ url: `${s.httpUrl}/cmd` })],
    [
      'host and port',
      (s: RunningServer) => ({ host: '127.0.0.1', port: s.port, transport: 'http' as const }),
    ],
    [
      'the ws URL with transport http',
      (s: RunningServer) => ({ url: s.url, transport: 'http' as const }),
    ],
  ])('accepts %s', async (_, options) => {
    const computer = new Computer(options(server));
    expect(computer.url).toBe(server.httpUrl);
    expect(await computer.getFileSize('/abc')).toBe(4);
    await computer.close();
  });

  it('runs calls concurrently and runs real commands', async () => {
    const computer = new Computer({ url: server.httpUrl });
    const started = performance.now();
    const [slow, fast] = await Promise.all([
      computer.getFileSize('/slow'),
      computer.getFileSize('/a'),
    ]);
    expect([slow, fast]).toEqual([5, 2]);
    expect(performance.now() - started).toBeLessThan(2000);
    const output = await computer.runCommand('printf out; printf err >&2; exit 4');
    expect(output).toEqual({ stdout: 'out', stderr: 'err', returnCode: 4 });
    await computer.close();
  });

  it('a command failure is a ComputerError with the server code (HTTP 200 body)', async () => {
    const computer = new Computer({ url: server.httpUrl });
    const unsupported = await computer.dioramaCmd('screenshot').catch((e: unknown) => e);
    expect(ComputerError.isInstance(unsupported)).toBe(true);
    expect(unsupported).toMatchObject({ code: 'unsupported', command: 'diorama_cmd' });
    const invalid = await computer.moveCursor(1, Number.NaN).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ code: 'invalid_params' });
    const timeout = await computer.runCommand('sleep 5', { timeout: 0.1 }).catch((e: unknown) => e);
    expect(timeout).toMatchObject({
      code: 'timeout',
      reply: { stdout: '', return_code: -1, stderr: expect.stringContaining('timed out') },
    });
    await computer.close();
  });

  it('400 unknown command is a ComputerError with code unknown_command', async () => {
    const computer = new Computer({ url: server.httpUrl });
    const error = await computer.call('nosuch' as 'version').catch((e: unknown) => e);
    expect(ComputerError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'unknown_command',
      command: 'nosuch',
      message: expect.stringMatching(/^Unknown command: nosuch/),
      reply: { status: 400 },
    });
    await computer.close();
  });

  it('sends the credentials as headers; 401 is an AuthenticationError', async () => {
    const { requests, fetch } = recordingFetch();
    const good = new Computer({ url: keyed.httpUrl, containerName: 'c', apiKey: 'k', fetch });
    expect((await good.version()).protocol).toBe(1);
    expect(requests[0]!.headers).toMatchObject({ 'x-container-name': 'c', 'x-api-key': 'k' });

    const wrong = new Computer({ url: keyed.httpUrl, containerName: 'c', apiKey: 'nope' });
    const refused = await wrong.version().catch((e: unknown) => e);
    expect(AuthenticationError.isInstance(refused)).toBe(true);
    expect(refused).toMatchObject({ code: 'auth_failed', message: 'Authentication failed' });
    expect(String(refused)).not.toContain('nope');

    const none = new Computer({ url: keyed.httpUrl });
    const missing = await none.connect().catch((e: unknown) => e);
    expect(AuthenticationError.isInstance(missing)).toBe(true);
    expect(missing).toMatchObject({ code: 'auth_required' });
  });

  it('timeoutMs, signal and close() abort the request', async () => {
    const computer = new Computer({ url: server.httpUrl });
    const timedOut = await computer
      .getFileSize('/slow', { timeoutMs: 50 })
      .catch((e: unknown) => e);
    expect(TimeoutError.isInstance(timedOut)).toBe(true);

    const controller = new AbortController();
    const aborted = computer
      .getFileSize('/slow', { signal: controller.signal })
      .catch((e: unknown) => e);
    controller.abort(new Error('stop'));
    expect(await aborted).toMatchObject({ message: 'stop' });

    const pending = computer.getFileSize('/slow').catch((e: unknown) => e);
    await sleep(20);
    await computer.close();
    expect(ConnectionError.isInstance(await pending)).toBe(true);
    await expect(computer.version()).rejects.toThrow(/closed/);
  });

  it('an unreachable server is a ConnectionError', async () => {
    const computer = new Computer({ url: 'http://127.0.0.1:1' });
    const error = await computer.version().catch((e: unknown) => e);
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/POST http:\/\/127\.0\.0\.1:1\/cmd failed/);
  });

  it('a body that is not one data: event is a ConnectionError', async () => {
    const computer = new Computer({
      url: 'http://example.invalid',
      fetch: async () => ({ ok: true, status: 200, text: async () => '<html>proxy page</html>' }),
    });
    await expect(computer.version()).rejects.toThrow(/Unexpected response from POST \/cmd: <html>/);
  });
});
