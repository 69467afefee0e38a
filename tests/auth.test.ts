import { once } from 'node:events';
import { ALIAS_NAMES, COMMAND_NAMES } from '@cua/computer-protocol';
import { AuthenticationError, Computer } from '@cua/computer-client';
import { createHandlers, type HandlerTable, type RunningServer } from '@cua/computer-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startAuthService } from './helpers/auth-service.js';
import { cleanEnv, RawClient, startCli, startServer } from './helpers/server.js';

type AuthService = Awaited<ReturnType<typeof startAuthService>>;
let service: AuthService;
let server: RunningServer;
let handlerCalls = 0;

/** Every handler counts its calls, to prove nothing ran before authentication. */
function countingHandlers(): HandlerTable {
  const real = createHandlers() as Record<string, (...args: unknown[]) => unknown>;
  const counted: Record<string, unknown> = {};
  for (const [name, handler] of Object.entries(real)) {
    counted[name] = (...args: unknown[]) => {
      handlerCalls += 1;
      return handler(...args);
    };
  }
  return counted as unknown as HandlerTable;
}

beforeAll(async () => {
  service = await startAuthService();
  server = await startServer({
    handlers: countingHandlers(),
    auth: {
      mode: 'container',
      containerName: 'vm1',
      authBaseUrl: service.baseUrl,
      remoteCacheTtlMs: 0,
      maxFailures: 1000,
    },
  });
});
afterAll(async () => {
  await server.close();
  await service.close();
});
afterEach(() => {
  service.calls.length = 0;
  service.acceptKey('sk-good');
});

/** Opens a socket, sends one first frame, returns the reply and the close code. */
async function firstFrame(url: string, frame: unknown) {
  const client = await RawClient.open(url);
  const closed = once(client.ws, 'close');
  const reply = await client.request(frame);
  const [code] = (await closed) as [number];
  return { reply, code };
}

const auth = (params: unknown) => ({ command: 'authenticate', params });

describe('/ws handshake (docs/protocol.md, Authentication)', () => {
  it.each([
    ['not JSON', '{nope', 'Authentication failed'],
    ['not an object', '[1]', 'Authentication failed'],
    ['binary', Buffer.from('{}'), 'Authentication failed'],
    ['another command', { command: 'version' }, 'First message must be authentication'],
    ['params not an object', auth('x'), 'Authentication failed'],
    ['api_key missing', auth({ container_name: 'vm1' }), 'API key required'],
    ['api_key empty', auth({ container_name: 'vm1', api_key: '' }), 'API key required'],
    ['container_name missing', auth({ api_key: 'sk-good' }), 'Container name required'],
    ['wrong key', auth({ container_name: 'vm1', api_key: 'sk-bad' }), 'Authentication failed'],
  ])('%s → exact upstream reply, then a normal close', async (_name, frame, error) => {
    const { reply, code } = await firstFrame(server.url, frame);
    expect(JSON.stringify(reply)).toBe(JSON.stringify({ success: false, error }));
    expect(code).toBe(1000);
  });

  it('success is byte-compatible and commands then run', async () => {
    const client = await RawClient.open(server.url);
    client.send(auth({ container_name: 'vm1', api_key: 'sk-good' }));
    client.send({ command: 'version' });
    const [authReply, version] = await client.waitFor(2);
    expect(JSON.stringify(authReply)).toBe(
      '{"success":true,"message":"Authentication successful"}',
    );
    expect(version).toMatchObject({ success: true, protocol: 1 });
    expect(await client.request(auth({ container_name: 'vm1', api_key: 'sk-good' }))).toEqual({
      success: true,
      message: 'Authentication successful',
    });
    expect(service.calls).toEqual([
      { url: '/api/vm/auth?container_name=vm1', authorization: 'Bearer sk-good' },
    ]);
    await client.close();
  });

  it('no command of any name runs as the first frame', async () => {
    const before = handlerCalls;
    for (const command of [...COMMAND_NAMES, ...ALIAS_NAMES]) {
      const { reply } = await firstFrame(server.url, {
        command,
        params: { x: 1, y: 1, text: 'a', path: '/tmp/x' },
      });
      expect(reply, command).toEqual({
        success: false,
        error: 'First message must be authentication',
      });
    }
    expect(handlerCalls).toBe(before);
    expect(service.calls).toHaveLength(0);
  });

  it('a container name mismatch is refused without a remote call', async () => {
    const { reply } = await firstFrame(
      server.url,
      auth({ container_name: 'vm2', api_key: 'sk-good' }),
    );
    expect(reply).toEqual({ success: false, error: 'Authentication failed' });
    expect(service.calls).toHaveLength(0);
  });

  it.each([
    ['200 with an empty body', 200, ''],
    ['200 with only whitespace', 200, '  \n'],
    ['401', 401, 'denied'],
    ['500', 500, 'oops'],
  ])('the remote answering %s means rejected', async (_name, status, body) => {
    service.answerWith(status, body);
    const { reply } = await firstFrame(
      server.url,
      auth({ container_name: 'vm1', api_key: 'sk-good' }),
    );
    expect(reply).toEqual({ success: false, error: 'Authentication failed' });
    expect(service.calls).toHaveLength(1);
  });

  it('the remote being down means rejected', async () => {
    const down = await startServer({
      auth: {
        mode: 'container',
        containerName: 'vm1',
        authBaseUrl: 'http://127.0.0.1:1',
        remoteTimeoutMs: 1000,
      },
    });
    const { reply } = await firstFrame(
      down.url,
      auth({ container_name: 'vm1', api_key: 'sk-good' }),
    );
    expect(reply).toEqual({ success: false, error: 'Authentication failed' });
    await down.close();
  });

  it('URL-encodes the container name', async () => {
    const odd = await startServer({
      auth: { mode: 'container', containerName: 'vm 1&x=2', authBaseUrl: `${service.baseUrl}/` },
    });
    const client = await RawClient.open(odd.url);
    expect(
      await client.request(auth({ container_name: 'vm 1&x=2', api_key: 'sk-good' })),
    ).toMatchObject({ success: true });
    await client.close();
    expect(service.calls[0]!.url).toBe('/api/vm/auth?container_name=vm%201%26x%3D2');
    await odd.close();
  });

  it('caches successes briefly, never failures', async () => {
    const cached = await startServer({
      auth: { mode: 'container', containerName: 'vm1', authBaseUrl: service.baseUrl },
    });
    service.answerWith(401, 'no');
    expect(
      (await firstFrame(cached.url, auth({ container_name: 'vm1', api_key: 'sk-good' }))).reply
        .success,
    ).toBe(false);
    service.acceptKey('sk-good');
    for (let i = 0; i < 3; i++) {
      const client = await RawClient.open(cached.url);
      expect(
        await client.request(auth({ container_name: 'vm1', api_key: 'sk-good' })),
      ).toMatchObject({ success: true });
      await client.close();
    }
    expect(service.calls).toHaveLength(2);
    await cached.close();
  });

  it('closes a socket that does not authenticate in time', async () => {
    const quick = await startServer({
      auth: { mode: 'keys', apiKeys: ['k'] },
      handshakeTimeoutMs: 200,
    });
    const ws = new WebSocket(quick.url);
    const [code] = (await once(ws, 'close')) as [number];
    expect(code).toBe(1008);
    await quick.close();
  });
});

describe('HTTP auth (docs/protocol.md, Authentication)', () => {
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.httpUrl}/cmd`, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
      headers,
    });

  it.each([
    [{}, 'Container name required'],
    [{ 'x-container-name': 'vm1' }, 'API key required'],
    [{ 'x-api-key': 'sk-good' }, 'Container name required'],
    [{ 'x-container-name': 'vm1', 'x-api-key': 'sk-bad' }, 'Authentication failed'],
    [{ 'x-container-name': 'vm2', 'x-api-key': 'sk-good' }, 'Authentication failed'],
  ])('%j → 401 %s', async (headers, detail) => {
    const res = await post({ command: 'version' }, headers);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ detail });
  });

  it('valid headers run the command', async () => {
    const res = await post(
      { command: 'version' },
      { 'x-container-name': 'vm1', 'x-api-key': 'sk-good' },
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^data: \{"success":true/);
  });

  it('checks auth before the body (unlike upstream) and before the command name', async () => {
    // Nobody unauthenticated can make the server read (and hold) a body.
    expect((await post('{nope')).status).toBe(401);
    expect((await post({})).status).toBe(401);
    expect((await post({ command: 'nosuch' })).status).toBe(401);
    const good = { 'x-container-name': 'vm1', 'x-api-key': 'sk-good' };
    expect((await post('{nope', good)).status).toBe(400);
    expect((await post({}, good)).status).toBe(400);
    expect((await post({ command: 'nosuch' }, good)).status).toBe(400);
  });

  it('/status and /commands stay public', async () => {
    expect((await fetch(`${server.httpUrl}/status`)).status).toBe(200);
    expect((await fetch(`${server.httpUrl}/commands`)).status).toBe(200);
  });
});

describe('throttling of failed attempts', () => {
  it('delays failures after a few, and never refuses the right key (upstream strings)', async () => {
    const limited = await startServer({
      auth: { mode: 'keys', apiKeys: ['right'], maxFailures: 3, failureWindowMs: 60_000 },
    });
    const timed = async (key: string) => {
      const started = Date.now();
      const { reply } = await firstFrame(limited.url, auth({ container_name: 'a', api_key: key }));
      return { reply, ms: Date.now() - started };
    };
    for (let i = 0; i < 3; i++) {
      const { reply, ms } = await timed('wrong');
      expect(reply.error).toBe('Authentication failed');
      expect(ms).toBeLessThan(240);
    }
    // The 4th and 5th failures wait 250 ms, then 500 ms: the throttle, with upstream's text.
    expect((await timed('wrong')).ms).toBeGreaterThanOrEqual(240);
    const fifth = await timed('wrong');
    expect(fifth.reply).toEqual({ success: false, error: 'Authentication failed' });
    expect(fifth.ms).toBeGreaterThanOrEqual(490);
    // The right key, from the very address that failed, at once.
    const client = await RawClient.open(limited.url);
    const started = Date.now();
    expect(await client.request(auth({ container_name: 'a', api_key: 'right' }))).toEqual({
      success: true,
      message: 'Authentication successful',
    });
    expect(Date.now() - started).toBeLessThan(240);
    await client.close();
    const res = await fetch(`${limited.httpUrl}/cmd`, {
      method: 'POST',
      body: '{"command":"version"}',
      headers: { 'x-container-name': 'a', 'x-api-key': 'right' },
    });
    expect(res.status).toBe(200);
    await limited.close();
  });
});

describe('local keys', () => {
  it('accepts any configured key and rejects others', async () => {
    const keyed = await startServer({ auth: { mode: 'keys', apiKeys: ['k-one', 'k-two'] } });
    for (const key of ['k-one', 'k-two']) {
      const client = await RawClient.open(keyed.url);
      expect(await client.request(auth({ container_name: 'any', api_key: key }))).toMatchObject({
        success: true,
      });
      await client.close();
    }
    expect(
      (await firstFrame(keyed.url, auth({ container_name: 'any', api_key: 'k-three' }))).reply
        .success,
    ).toBe(false);
    await keyed.close();
  });

  it('also checks the container name when one is configured', async () => {
    const keyed = await startServer({
      auth: { mode: 'keys', apiKeys: ['k'], containerName: 'box' },
    });
    expect(
      (await firstFrame(keyed.url, auth({ container_name: 'other', api_key: 'k' }))).reply.success,
    ).toBe(false);
    await keyed.close();
  });
});

describe('UNAVAILABLE_WITHOUT_CONTAINER_NAME (docs/protocol.md, Availability gate)', () => {
  const detail = 'Service unavailable: CONTAINER_NAME is required but not configured';

  it.each([
    [{ UNAVAILABLE_WITHOUT_CONTAINER_NAME: 'yes' }, 503],
    [{ UNAVAILABLE_WITHOUT_CONTAINER_NAME: 'ON' }, 503],
    [
      {
        UNAVAILABLE_WITHOUT_CONTAINER_NAME: '1',
        UNAVAILABLE_WITHOUT_CONTAINER_NAME_RESPONSE_STATUS_CODE: '418',
      },
      418,
    ],
    [
      {
        UNAVAILABLE_WITHOUT_CONTAINER_NAME: 'true',
        UNAVAILABLE_WITHOUT_CONTAINER_NAME_RESPONSE_STATUS_CODE: 'abc',
      },
      503,
    ],
  ])('%j refuses every route with %i', async (env, status) => {
    const gated = await startServer({ env });
    for (const path of ['/status', '/commands', '/cmd']) {
      const res = await fetch(
        `${gated.httpUrl}${path}`,
        path === '/cmd' ? { method: 'POST', body: '{}' } : {},
      );
      expect(res.status).toBe(status);
      expect(await res.json()).toMatchObject({ detail });
    }
    // The gate speaks first: it accepts, sends one failure frame and closes.
    const ws = new WebSocket(gated.url);
    const frames: unknown[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(data.toString())));
    const [code] = (await once(ws, 'close')) as [number];
    expect(frames).toEqual([{ success: false, error: detail, status_code: status }]);
    expect(code).toBe(1008);
    await gated.close();
  });

  it.each(['0', 'false', 'no', '', 'random'])('is off for %j', async (flag) => {
    const open = await startServer({ env: { UNAVAILABLE_WITHOUT_CONTAINER_NAME: flag } });
    expect((await fetch(`${open.httpUrl}/status`)).status).toBe(200);
    await open.close();
  });

  it('is off when CONTAINER_NAME is set (then auth applies)', async () => {
    const env = { UNAVAILABLE_WITHOUT_CONTAINER_NAME: 'yes', CONTAINER_NAME: 'vm1' };
    const cloud = await startServer({
      env,
      auth: { mode: 'container', containerName: 'vm1', authBaseUrl: service.baseUrl },
    });
    expect((await fetch(`${cloud.httpUrl}/status`)).status).toBe(200);
    expect(
      (await fetch(`${cloud.httpUrl}/cmd`, { method: 'POST', body: '{"command":"version"}' }))
        .status,
    ).toBe(401);
    await cloud.close();
  });
});

describe('client authentication', () => {
  it('authenticates before anything else and works', async () => {
    const computer = new Computer({ url: server.url, containerName: 'vm1', apiKey: 'sk-good' });
    expect((await computer.version()).protocol).toBe(1);
    await computer.close();
  });

  it('rejects with an AuthenticationError carrying the server message, without the key', async () => {
    const computer = new Computer({
      url: server.url,
      containerName: 'vm1',
      apiKey: 'sk-secret-bad',
    });
    const error = await computer.version().catch((e: unknown) => e);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe('Authentication failed');
    expect(JSON.stringify(error) + String(error)).not.toContain('sk-secret-bad');
    await computer.close();
  });

  it('authenticates again after the connection drops', async () => {
    const keyed = await startServer({ auth: { mode: 'keys', apiKeys: ['k'] } });
    const computer = new Computer({ url: keyed.url, containerName: 'c', apiKey: 'k' });
    expect((await computer.version()).protocol).toBe(1);
    const port = keyed.port;
    await keyed.close();
    const again = await startServer({ port, auth: { mode: 'keys', apiKeys: ['k'] } });
    expect((await computer.version()).protocol).toBe(1);
    await computer.close();
    await again.close();
  });

  it('defaults to the cloud URL for a container', () => {
    expect(new Computer({ containerName: 'box', apiKey: 'k' }).url).toBe(
      'wss://box.containers.cloud.trycua.com:8443/ws',
    );
    expect(new Computer({ containerName: 'box', apiKey: 'k', host: 'h', port: 9 }).url).toBe(
      'wss://h:9/ws',
    );
  });
});

describe('the start-up line says which auth mode is on and why', () => {
  it.each([
    [[], {}, /auth off: no CONTAINER_NAME and no API keys/],
    [['--auth', 'none'], { CONTAINER_NAME: 'vm1' }, /auth off \(--auth none\)/],
    [
      [],
      { CONTAINER_NAME: 'vm1' },
      /auth on: remote verification at https:\/\/www\.cua\.ai for container vm1 \(CONTAINER_NAME is set\)/,
    ],
    [
      ['--api-key', 'k1', '--api-key', 'k2'],
      {},
      /auth on: 2 local API keys \(API keys are configured\)/,
    ],
  ])('%j with %j', async (args, env, line) => {
    const cli = await startCli(['--port', '0', '--log-level', 'silent', ...args], cleanEnv(env));
    expect(cli.output().stdout).toMatch(line);
    expect(cli.output().stdout + cli.output().stderr).not.toMatch(/k1|k2/);
    cli.child.kill('SIGTERM');
    await once(cli.child, 'exit');
  });
});
