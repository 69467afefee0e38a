import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import {
  AuthenticationError,
  Computer,
  ComputerError,
  ConnectionError,
  CuaClientError,
  TimeoutError,
} from '@cua/computer-client';
import { SERVER_FEATURES, type RunningServer } from '@cua/computer-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { handlersWith, sleep, startServer } from './helpers/server.js';

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({
    handlers: handlersWith({
      // Stand-ins for a slow and a fast command: these tests are about the connection.
      get_screen_size: async () => {
        await sleep(300);
        return { size: { width: 1280, height: 800 } };
      },
      get_cursor_position: () => ({ position: { x: 3, y: 4 } }),
    }),
  });
});
afterAll(() => server.close());

describe('Computer against our server', () => {
  it('computer.version() end to end', async () => {
    const computer = new Computer({ url: server.url });
    const version = await computer.version();
    expect(version).toEqual({
      protocol: 1,
      package: expect.any(String),
      features: [...SERVER_FEATURES],
    });
    expect(computer.features).toContain('request-id');
    await computer.close();
  });

  it('connects from host and port', async () => {
    const computer = new Computer({ host: '127.0.0.1', port: server.port });
    expect(computer.url).toBe(server.url);
    expect((await computer.version()).protocol).toBe(1);
    await computer.close();
  });

  it('call() returns the typed result and pipelines with ids', async () => {
    const computer = new Computer({ url: server.url });
    const order: string[] = [];
    await Promise.all([
      computer.call('get_screen_size').then((r) => order.push(`size ${r.size.width}`)),
      computer
        .call('get_cursor_position')
        .then((r) => order.push(`pos ${r.position.x},${r.position.y}`)),
    ]);
    expect(order).toEqual(['pos 3,4', 'size 1280']);
    await computer.close();
  });

  it('a failure rejects with a ComputerError carrying the code', async () => {
    const computer = new Computer({ url: server.url });
    const error = await computer
      .call('diorama_cmd', { action: 'screenshot' })
      .catch((e: unknown) => e);
    expect(ComputerError.isInstance(error)).toBe(true);
    expect(error).toBeInstanceOf(ComputerError);
    expect(error).toMatchObject({ code: 'unsupported', command: 'diorama_cmd' });
    const invalid = await computer
      .call('move_cursor', { x: 1, y: 'no' as unknown as number })
      .catch((e: unknown) => e);
    expect(invalid).toMatchObject({
      code: 'invalid_params',
      message: expect.stringContaining('y:'),
    });
    await computer.close();
  });

  it('a per-call timeout rejects with a TimeoutError and the connection goes on', async () => {
    const computer = new Computer({ url: server.url });
    const error = await computer
      .call('get_screen_size', {}, { timeoutMs: 50 })
      .catch((e: unknown) => e);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((await computer.version()).protocol).toBe(1);
    await computer.close();
  });

  it('an AbortSignal cancels the wait', async () => {
    const computer = new Computer({ url: server.url });
    await computer.connect();
    const controller = new AbortController();
    const call = computer.call('get_screen_size', {}, { signal: controller.signal });
    controller.abort(new Error('user gave up'));
    await expect(call).rejects.toThrow('user gave up');
    await computer.close();
  });

  it('close() rejects every pending call with a ConnectionError', async () => {
    const computer = new Computer({ url: server.url });
    await computer.connect();
    const calls = [computer.call('get_screen_size'), computer.call('get_screen_size')].map((call) =>
      call.catch((e: unknown) => e),
    );
    await computer.close();
    for (const call of calls) {
      const error = await call;
      expect(ConnectionError.isInstance(error)).toBe(true);
      expect(CuaClientError.isInstance(error)).toBe(true);
    }
    await expect(computer.version()).rejects.toThrow(/closed/);
  });

  it('a server that goes away rejects pending calls with a ConnectionError', async () => {
    const own = await startServer({
      handlers: handlersWith({ get_screen_size: () => new Promise(() => undefined) }),
      shutdownGraceMs: 50,
    });
    const computer = new Computer({ url: own.url });
    await computer.connect();
    const pending = computer.call('get_screen_size').catch((e: unknown) => e);
    await sleep(20);
    await own.close();
    expect(ConnectionError.isInstance(await pending)).toBe(true);
    await computer.close();
  });

  it('an unreachable server rejects with a ConnectionError', async () => {
    const computer = new Computer({ url: 'ws://127.0.0.1:1/ws', connectTimeoutMs: 2000 });
    const error = await computer.version().catch((e: unknown) => e);
    expect(ConnectionError.isInstance(error)).toBe(true);
    await computer.close();
  });
});

describe('Computer against an upstream-like server (no ids, strict order)', () => {
  it('falls back to one request at a time and never sends an id', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    const seen: Record<string, unknown>[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    wss.on('connection', (ws) => {
      ws.on('message', async (data) => {
        const frame = JSON.parse(data.toString()) as { command: string };
        seen.push(frame);
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(frame.command === 'get_screen_size' ? 100 : 5);
        inFlight -= 1;
        const replies: Record<string, object> = {
          version: { success: true, protocol: 1, package: '0.3.42' },
          get_screen_size: { success: true, size: { width: 1024, height: 768 } },
          get_cursor_position: { success: true, position: { x: 1, y: 2 } },
        };
        ws.send(
          JSON.stringify(replies[frame.command] ?? { success: false, error: 'Unknown command' }),
        );
      });
    });
    const { port } = wss.address() as AddressInfo;
    const computer = new Computer({ url: `ws://127.0.0.1:${port}/ws` });
    const [size, pos] = await Promise.all([
      computer.call('get_screen_size'),
      computer.call('get_cursor_position'),
    ]);
    expect(size.size).toEqual({ width: 1024, height: 768 });
    expect(pos.position).toEqual({ x: 1, y: 2 });
    expect(computer.features).toEqual([]);
    expect(maxInFlight).toBe(1);
    expect(seen.every((frame) => !('id' in frame))).toBe(true);
    await computer.close();
    wss.close();
  });
  it('a server that refuses the first frame without a code (upstream wanting credentials) is an AuthenticationError', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(wss, 'listening');
    wss.on('connection', (ws) => {
      ws.on('message', () => {
        // What upstream 0.3.42 sent (`ws.auth.command-first` in the recordings), then it closed.
        ws.send('{"success":false,"error":"First message must be authentication"}');
        ws.close(1000);
      });
    });
    const { port } = wss.address() as AddressInfo;
    const computer = new Computer({ url: `ws://127.0.0.1:${port}/ws`, reconnect: false });
    const error: unknown = await computer.version().catch((caught: unknown) => caught);
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      message: 'First message must be authentication',
      code: 'auth_required',
    });
    await computer.close();
    wss.close();
  });
});
