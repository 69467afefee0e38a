import { COMMAND_NAMES } from '@cua/computer-protocol';
import { once } from 'node:events';
import type { RunningServer } from '@cua/computer-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { handlersWith, RawClient, sleep, startServer } from './helpers/server.js';
import { httpExchange } from './helpers/upstream-replay.js';

let server: RunningServer;
let slowCalls = 0;

beforeAll(async () => {
  // get_screen_size stands in for "a slow command" and get_cursor_position for "a fast one":
  // these tests are about ordering in the transport, not about the desktop.
  server = await startServer({
    commandTimeoutMs: 1500,
    handlers: handlersWith({
      get_screen_size: async (_params, ctx) => {
        slowCalls += 1;
        await sleep(300);
        if (ctx.signal.aborted) throw new Error('aborted');
        return { size: { width: 1, height: 1 } };
      },
      get_cursor_position: () => ({ position: { x: 7, y: 8 } }),
      copy_to_clipboard: () => new Promise(() => undefined),
    }),
  });
});
afterAll(() => server.close());

describe('/ws malformed input (docs/protocol.md, Malformed requests): one failure each, socket usable', () => {
  const cases: Array<[string, string | Buffer, string, RegExp]> = [
    ['not JSON', '{nope', 'invalid_json', /^Invalid JSON: /],
    ['JSON array', '[1,2]', 'invalid_request', /JSON object/],
    ['JSON string', '"version"', 'invalid_request', /JSON object/],
    ['JSON null', 'null', 'invalid_request', /JSON object/],
    ['command missing', '{"params":{}}', 'invalid_request', /Missing "command"/],
    ['command not a string', '{"command":5}', 'invalid_request', /Missing "command"/],
    [
      'params null',
      '{"command":"version","params":null}',
      'invalid_request',
      /params must be an object, not null/,
    ],
    ['params a list', '{"command":"version","params":[1]}', 'invalid_request', /not an array/],
    ['unknown command', '{"command":"nosuch"}', 'unknown_command', /^Unknown command: nosuch$/],
    [
      'unknown command, near names',
      '{"command":"scr"}',
      'unknown_command',
      /^Unknown command: scr\. Did you mean: scroll, scroll_down/,
    ],
    [
      'required param missing',
      '{"command":"move_cursor","params":{"x":1}}',
      'invalid_params',
      /^Invalid params for move_cursor: y: required$/,
    ],
    [
      'wrong type',
      '{"command":"move_cursor","params":{"x":"1","y":2}}',
      'invalid_params',
      /x: Invalid input: expected number, received string/,
    ],
    [
      'binary frame',
      Buffer.from('{"command":"version"}'),
      'invalid_request',
      /Binary frames are not supported/,
    ],
  ];

  it.each(cases)('%s', async (_name, frame, code, error) => {
    const client = await RawClient.open(server.url);
    try {
      const reply = await client.request(frame);
      expect(reply).toMatchObject({ success: false, code });
      expect(reply.error).toMatch(error);
      expect(await client.request({ command: 'version' })).toMatchObject({
        success: true,
        protocol: 1,
      });
    } finally {
      await client.close();
    }
  });

  it('a bad id is refused without echoing it', async () => {
    const client = await RawClient.open(server.url);
    const reply = await client.request({ command: 'version', id: { nested: true } });
    expect(reply).toEqual({
      success: false,
      error: expect.stringMatching(/^id must be/),
      code: 'invalid_request',
    });
    await client.close();
  });

  it('a handler that fails reports its code, and the socket goes on', async () => {
    const client = await RawClient.open(server.url);
    expect(
      await client.request({ command: 'diorama_cmd', params: { action: 'screenshot' } }),
    ).toMatchObject({
      success: false,
      error: expect.stringMatching(/^diorama_cmd is not supported/),
      code: 'unsupported',
    });
    expect(await client.request({ command: 'version' })).toMatchObject({ success: true });
    await client.close();
  });

  it('a command past the server timeout gets code timeout', async () => {
    const client = await RawClient.open(server.url);
    const reply = await client.request({ command: 'copy_to_clipboard' });
    expect(reply).toEqual({
      success: false,
      error: 'copy_to_clipboard did not finish within 1.5s',
      code: 'timeout',
    });
    expect(await client.request({ command: 'version' })).toMatchObject({ success: true });
    await client.close();
  });

  it('a frame above 16 MiB closes that socket with 1009, and the server lives', async () => {
    const client = await RawClient.open(server.url);
    const closed = once(client.ws, 'close');
    client.send(
      JSON.stringify({ command: 'type_text', params: { text: 'x'.repeat(17 * 1024 * 1024) } }),
    );
    const [code] = (await closed) as [number];
    expect(code).toBe(1009);
    const other = await RawClient.open(server.url);
    expect(await other.request({ command: 'version' })).toMatchObject({ success: true });
    await other.close();
  });

  it('accepts a frame just under 16 MiB', async () => {
    const client = await RawClient.open(server.url);
    const reply = await client.request({
      command: 'version',
      params: { pad: 'x'.repeat(15 * 1024 * 1024) },
    });
    expect(reply).toMatchObject({ success: true });
    await client.close();
  });
});

describe('/ws ordering and request ids (docs/protocol.md, Request ids and reply order)', () => {
  it('without ids: one reply per request, strictly in order, even behind a slow command', async () => {
    const client = await RawClient.open(server.url);
    const frames = [
      { command: 'get_screen_size' },
      { command: 'get_cursor_position' },
      '{bad json',
      { command: 'nosuch' },
      { command: 'version' },
      { command: 'get_screen_size' },
      { command: 'get_cursor_position' },
    ];
    for (const frame of frames) client.send(frame);
    const replies = await client.waitFor(frames.length);
    expect(replies.map((r) => r.size ?? r.position ?? r.code ?? r.protocol)).toEqual([
      { width: 1, height: 1 },
      { x: 7, y: 8 },
      'invalid_json',
      'unknown_command',
      1,
      { width: 1, height: 1 },
      { x: 7, y: 8 },
    ]);
    await sleep(100);
    expect(client.frames).toHaveLength(frames.length);
    await client.close();
  });

  it('with ids: replies echo the id and a fast request overtakes a slow one', async () => {
    const client = await RawClient.open(server.url);
    client.send({ command: 'get_screen_size', id: 'slow' });
    client.send({ command: 'get_cursor_position', id: 2 });
    const [first, second] = await client.waitFor(2);
    expect(first).toEqual({ success: true, id: 2, position: { x: 7, y: 8 } });
    expect(second).toEqual({ success: true, id: 'slow', size: { width: 1, height: 1 } });
    await client.close();
  });

  it('with ids: failures echo the id too', async () => {
    const client = await RawClient.open(server.url);
    expect(await client.request({ command: 'nosuch', id: 'x1' })).toMatchObject({
      success: false,
      id: 'x1',
      code: 'unknown_command',
    });
    expect(await client.request({ command: 'version', params: null, id: 9 })).toMatchObject({
      success: false,
      id: 9,
      code: 'invalid_request',
    });
    await client.close();
  });

  it('many pipelined requests with ids each get exactly one reply', async () => {
    const client = await RawClient.open(server.url);
    const n = 500;
    for (let i = 0; i < n; i++)
      client.send({ command: i % 2 ? 'version' : 'get_cursor_position', id: i });
    const replies = await client.waitFor(n);
    expect(new Set(replies.map((r) => r.id)).size).toBe(n);
    for (const reply of replies) {
      expect(reply).toMatchObject(
        Number(reply.id) % 2 ? { protocol: 1 } : { position: { x: 7, y: 8 } },
      );
    }
    await client.close();
  });

  it('a client that disconnects aborts its in-flight command', async () => {
    const before = slowCalls;
    const client = await RawClient.open(server.url);
    client.send({ command: 'get_screen_size', id: 1 });
    await sleep(50);
    client.ws.terminate();
    await sleep(400);
    expect(slowCalls).toBe(before + 1);
    const other = await RawClient.open(server.url);
    expect(await other.request({ command: 'version' })).toMatchObject({ success: true });
    await other.close();
  });
});

describe('/ws commands', () => {
  it('version announces protocol 1, the package version and features', async () => {
    const client = await RawClient.open(server.url);
    expect(await client.request({ command: 'version', params: { extra: 'ignored' } })).toEqual({
      success: true,
      protocol: 1,
      package: expect.stringMatching(/^\d+\.\d+\.\d+/),
      features: expect.arrayContaining(['request-id']),
    });
    await client.close();
  });

  it('resolves aliases before validating', async () => {
    const client = await RawClient.open(server.url);
    expect(await client.request({ command: 'type' })).toMatchObject({
      code: 'invalid_params',
      error: 'Invalid params for type_text: text: required',
    });
    expect(await client.request({ command: 'shell', params: {} })).toMatchObject({
      code: 'invalid_params',
      error: expect.stringContaining('run_command'),
    });
    await client.close();
  });

  it('authenticate succeeds when auth is off (docs/protocol.md, Authentication)', async () => {
    const client = await RawClient.open(server.url);
    expect(
      await client.request({
        command: 'authenticate',
        params: { container_name: 'x', api_key: 'y' },
      }),
    ).toEqual({ success: true, message: 'Authentication successful' });
    await client.close();
  });

  it('serves only /ws for upgrades', async () => {
    const ws = new WebSocket(server.url.replace('/ws', '/other'));
    const [err] = (await once(ws, 'error')) as [Error];
    expect(err.message).toMatch(/404/);
  });
});

describe('HTTP', () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.httpUrl}/cmd`, { method: 'POST', body, headers });

  it('POST /cmd answers with exactly one data: event in text/plain', async () => {
    const res = await post(JSON.stringify({ command: 'version' }), {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const body = await res.text();
    expect(body.startsWith('data: ')).toBe(true);
    expect(body.endsWith('\n\n')).toBe(true);
    expect(body.match(/data: /g)).toHaveLength(1);
    // The Python client's rule: strip, drop "data: ", parse the rest as one JSON document.
    expect(JSON.parse(body.trim().slice('data: '.length))).toMatchObject({
      success: true,
      protocol: 1,
    });
  });

  it('POST /cmd: command failures are HTTP 200 with success false', async () => {
    const res = await post(JSON.stringify({ command: 'move_cursor', params: { x: 1 } }));
    expect(res.status).toBe(200);
    expect(JSON.parse((await res.text()).slice(6))).toEqual({
      success: false,
      error: 'Invalid params for move_cursor: y: required',
      code: 'invalid_params',
    });
  });

  it('POST /cmd echoes a request id', async () => {
    const res = await post(JSON.stringify({ command: 'get_cursor_position', id: 'abc' }));
    expect(JSON.parse((await res.text()).slice(6))).toEqual({
      success: true,
      id: 'abc',
      position: { x: 7, y: 8 },
    });
  });

  it.each([
    ['{nope', 400, /^Invalid JSON body: /, 'invalid_json'],
    ['[1]', 400, /^Invalid JSON body: /, 'invalid_request'],
    ['{}', 400, /^Command is required$/, 'invalid_request'],
    ['{"command":""}', 400, /^Command is required$/, 'invalid_request'],
    ['{"command":"nosuch"}', 400, /^Unknown command: nosuch$/, 'unknown_command'],
  ])('POST /cmd %s → %i {detail}', async (body, status, detail, code) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/json');
    const json = (await res.json()) as { detail: string; code: string };
    expect(json.detail).toMatch(detail);
    expect(json.code).toBe(code);
  });

  it('GET /status', async () => {
    const res = await fetch(`${server.httpUrl}/status`);
    expect(res.status).toBe(200);
    // `features` lists the optional endpoints this server has (pty, mcp, playwright).
    expect(await res.json()).toEqual({
      status: 'ok',
      os_type: 'linux',
      features: expect.arrayContaining(['pty', 'mcp']),
    });
  });

  it('GET /commands lists the registry in upstream shape', async () => {
    const res = await fetch(`${server.httpUrl}/commands`);
    const body = (await res.json()) as {
      commands: Record<
        string,
        { params: unknown[]; aliases?: string[]; schema: { params: unknown } }
      >;
      aliases: Record<string, string>;
    };
    const names = Object.keys(body.commands);
    // What the real upstream server listed (tests/fixtures/upstream-recordings): every one of
    // its commands, in its order; our extensions sit in their groups between them.
    const upstream = JSON.parse(httpExchange('commands').reply.body!) as {
      commands: Record<string, unknown>;
      aliases: Record<string, string>;
    };
    const upstreamNames = Object.keys(upstream.commands);
    expect(names.filter((name) => upstreamNames.includes(name))).toEqual(upstreamNames);
    expect(names.slice(4, 8)).toEqual([
      'get_element',
      'click_element',
      'focus_element',
      'set_element_value',
    ]);
    expect(names).toEqual([...COMMAND_NAMES]);
    expect(body.commands.version!.params).toEqual([]);
    expect(body.commands.run_command).toMatchObject({
      params: [
        { name: 'command', required: true, default: null },
        { name: 'timeout', required: false, default: null },
        { name: 'stream', required: false, default: null },
      ],
      aliases: ['shell', 'exec'],
    });
    expect(body.commands.drag_to!.params).toContainEqual({
      name: 'duration',
      required: false,
      default: 0.5,
    });
    expect(body.commands.screenshot!.schema.params).toMatchObject({ type: 'object' });
    expect(body.aliases).toMatchObject(upstream.aliases);
  });

  it('unknown routes are 404 and wrong methods 405', async () => {
    expect((await fetch(`${server.httpUrl}/nope`)).status).toBe(404);
    expect((await fetch(`${server.httpUrl}/cmd`)).status).toBe(405);
    expect((await fetch(`${server.httpUrl}/status`, { method: 'POST' })).status).toBe(405);
  });
});
