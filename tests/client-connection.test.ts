import { statSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import {
  Computer,
  ConnectionError,
  TimeoutError,
  type ComputerOptions,
  type StateChange,
} from '@cua/computer-client';
import { SERVER_FEATURES, type HandlerTable, type RunningServer } from '@cua/computer-server';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { handlersWith, sleep, startServer } from './helpers/server.js';
import { listenOnLoopback } from './helpers/loopback.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(options: Parameters<typeof startServer>[0] = {}): Promise<RunningServer> {
  const running = await startServer({ shutdownGraceMs: 20, ...options });
  cleanups.push(() => running.close());
  return running;
}

/** A client with fast reconnects that records its state changes. */
function client(url: string, options: ComputerOptions = {}) {
  const changes: StateChange[] = [];
  const computer = new Computer({
    url,
    reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    onStateChange: (change) => changes.push(change),
    ...options,
  });
  cleanups.push(() => computer.close());
  return { computer, changes, states: () => changes.map((c) => c.state) };
}

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

/** A TCP port that accepts connections and never answers: a WebSocket handshake that hangs. */
async function silentPort(): Promise<{ port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const tcp: Server = createServer((socket) => sockets.push(socket));
  const { port } = await listenOnLoopback(tcp);
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
  });
  return { port, sockets };
}

describe('reconnect after the server restarts on the same port', () => {
  it('fails the click in flight, never resends it, and the next calls succeed', async () => {
    let clicks = 0;
    const handlers: Partial<HandlerTable> = {
      left_click: () => {
        clicks += 1;
        // The first click never finishes: it is in flight when the server goes away.
        return clicks === 1 ? new Promise(() => undefined) : {};
      },
    };
    const first = await startServer({ handlers: handlersWith(handlers), shutdownGraceMs: 20 });
    const { port } = first;
    const { computer, states } = client(first.url);
    await computer.connect();

    const click = computer.leftClick(10, 20).catch((e: unknown) => e);
    await waitFor(() => clicks === 1);
    await first.close();
    const error = await click;
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/not resent/);

    await server({ port, handlers: handlersWith(handlers) });
    expect((await computer.version()).protocol).toBe(1);
    await sleep(50);
    expect(clicks).toBe(1);
    await computer.leftClick(10, 20);
    expect(clicks).toBe(2);
    expect(computer.features).toContain('request-id');
    expect(states()).toEqual(expect.arrayContaining(['connecting', 'open', 'reconnecting']));
    expect(states().at(-1)).toBe('open');
  });

  it('reconnects in the background; calls made while the server is down wait for it', async () => {
    const first = await startServer({ shutdownGraceMs: 20 });
    const { port } = first;
    const { computer, states } = client(first.url);
    await computer.connect();
    await first.close();
    await waitFor(() => states().includes('reconnecting'));

    const waiting = computer.getFileSize('/');
    await sleep(150);
    await server({ port });
    // The size of / as stat says it here (the server runs on this machine).
    expect(await waiting).toBe(statSync('/').size);
    // Not a call: the background loop brought it back.
    await waitFor(() => computer.connected);
  });

  it('re-reads version.features on every connection', async () => {
    const first = await startServer({ shutdownGraceMs: 20 });
    const { port } = first;
    const { computer } = client(first.url);
    await computer.connect();
    expect(computer.features).toEqual([...SERVER_FEATURES]);
    await first.close();
    await server({
      port,
      handlers: handlersWith({
        version: () => ({ protocol: 1, package: 'x', features: ['request-id', 'y'] }),
      }),
    });
    await computer.version();
    expect(computer.features).toEqual(['request-id', 'y']);
  });
});

describe('backoff', () => {
  it('doubles the wait between attempts up to the cap', async () => {
    const running = await startServer({ shutdownGraceMs: 20 });
    const { computer, changes } = client(running.url, {
      reconnect: { initialDelayMs: 10, maxDelayMs: 40, jitter: 0 },
    });
    await computer.connect();
    await running.close();
    await waitFor(() => changes.filter((c) => c.state === 'reconnecting').length >= 6);
    const attempts = changes.filter((c) => c.state === 'reconnecting').slice(0, 6);
    expect(attempts.map((c) => [c.attempt, c.delayMs])).toEqual([
      [1, 10],
      [2, 20],
      [3, 40],
      [4, 40],
      [5, 40],
      [6, 40],
    ]);
    expect(attempts.slice(1).every((c) => ConnectionError.isInstance(c.error))).toBe(true);
  });

  it('keeps jittered waits within [cap × (1 − jitter), cap]', async () => {
    const running = await startServer({ shutdownGraceMs: 20 });
    const { computer, changes } = client(running.url, {
      reconnect: { initialDelayMs: 40, maxDelayMs: 40, jitter: 0.5 },
    });
    await computer.connect();
    await running.close();
    await waitFor(() => changes.filter((c) => c.state === 'reconnecting').length >= 5);
    for (const change of changes.filter((c) => c.state === 'reconnecting')) {
      expect(change.delayMs).toBeGreaterThanOrEqual(20);
      expect(change.delayMs).toBeLessThanOrEqual(40);
    }
  });

  it('waits the backoff between attempts for real', async () => {
    const running = await startServer({ shutdownGraceMs: 20 });
    const stamps: number[] = [];
    const { computer } = client(running.url, {
      reconnect: { initialDelayMs: 60, maxDelayMs: 60, jitter: 0 },
      onStateChange: (change) => {
        if (change.state === 'reconnecting') stamps.push(performance.now());
      },
    });
    await computer.connect();
    await running.close();
    await waitFor(() => stamps.length >= 4);
    const gaps = stamps.slice(1).map((t, i) => t - stamps[i]!);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(55);
  });

  it('gives up after maxAttempts: waiting calls fail, and the next call tries afresh', async () => {
    const running = await startServer({ shutdownGraceMs: 20 });
    const { port } = running;
    const { computer, states } = client(running.url, {
      reconnect: { initialDelayMs: 10, maxDelayMs: 10, maxAttempts: 3 },
    });
    await computer.connect();
    await running.close();
    await waitFor(() => states().includes('reconnecting'));
    const error = await computer.version().catch((e: unknown) => e);
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/Gave up reconnecting .* after 3 attempts/);
    expect(states().at(-1)).toBe('idle');

    await server({ port });
    expect((await computer.version()).protocol).toBe(1);
  });
});

describe('reconnect: false', () => {
  it('stays down after a drop until connect() is called', async () => {
    const first = await startServer({ shutdownGraceMs: 20 });
    const { port } = first;
    const { computer, states } = client(first.url, { reconnect: false });
    await computer.connect();
    await first.close();
    await waitFor(() => states().at(-1) === 'idle');
    await server({ port });
    await sleep(50);
    expect(computer.connected).toBe(false);
    await expect(computer.version()).rejects.toThrow(/reconnect is off/);
    await computer.connect();
    expect((await computer.version()).protocol).toBe(1);
    expect(states().filter((s) => s === 'reconnecting')).toEqual([]);
  });
});

describe('timeouts, abort and close on real sockets', () => {
  it('a call waiting for a connection times out without ever being sent', async () => {
    let sizes = 0;
    const handlers = handlersWith({
      get_file_size: () => {
        sizes += 1;
        return { size: 1 };
      },
    });
    const first = await startServer({ handlers, shutdownGraceMs: 20 });
    const { port } = first;
    const { computer, states } = client(first.url);
    await computer.connect();
    await first.close();
    await waitFor(() => states().includes('reconnecting'));
    const timedOut = await computer.getFileSize('/', { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(TimeoutError.isInstance(timedOut)).toBe(true);
    expect((timedOut as Error).message).toMatch(/not sent/);

    const controller = new AbortController();
    const aborted = computer
      .getFileSize('/', { signal: controller.signal })
      .catch((e: unknown) => e);
    controller.abort(new Error('changed my mind'));
    expect(await aborted).toMatchObject({ message: 'changed my mind' });

    await server({ port, handlers });
    await computer.version();
    await sleep(30);
    expect(sizes).toBe(0);
  });

  it('an already aborted signal rejects at once and sends nothing', async () => {
    let calls = 0;
    const running = await server({
      handlers: handlersWith({
        get_file_size: () => {
          calls += 1;
          return { size: 1 };
        },
      }),
    });
    const { computer } = client(running.url);
    await computer.connect();
    const controller = new AbortController();
    controller.abort();
    const error = await computer
      .getFileSize('/', { signal: controller.signal })
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    await computer.version();
    expect(calls).toBe(0);
  });

  it('a timed-out call leaves the connection usable (late reply dropped by id)', async () => {
    const running = await server({
      handlers: handlersWith({
        get_file_size: async () => {
          await sleep(150);
          return { size: 111 };
        },
      }),
    });
    const { computer, states } = client(running.url);
    const error = await computer.getFileSize('/', { timeoutMs: 30 }).catch((e: unknown) => e);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/no reply within 30 ms/);
    await sleep(200);
    expect(await computer.getFileSize('/', { timeoutMs: 1000 })).toBe(111);
    expect(states()).toEqual(['connecting', 'open']);
  });

  it('close() resolves once the socket has closed, and stops reconnecting', async () => {
    const running = await startServer({ shutdownGraceMs: 20 });
    let socket: WebSocket | undefined;
    const { computer, changes } = client(running.url, {
      createWebSocket: (url) => {
        socket = new WebSocket(url);
        return socket;
      },
    });
    await computer.connect();
    await computer.close();
    expect(socket!.readyState).toBe(WebSocket.CLOSED);
    expect(computer.state).toBe('closed');
    await expect(computer.version()).rejects.toThrow(/closed/);

    // Closing while reconnecting: no attempt follows.
    const other = await startServer({ shutdownGraceMs: 20 });
    const second = client(other.url, { reconnect: { initialDelayMs: 30, maxDelayMs: 30 } });
    await second.computer.connect();
    await other.close();
    await waitFor(() => second.states().includes('reconnecting'));
    await second.computer.close();
    const seen = second.changes.length;
    await sleep(120);
    expect(second.changes.length).toBe(seen);
    expect(changes.at(-1)?.state).toBe('closed');
  });

  it('close() during a hung handshake resolves within a second, failing the call', async () => {
    const { port } = await silentPort();
    const { computer } = client(`ws://127.0.0.1:${port}/ws`);
    const call = computer.version().catch((e: unknown) => e);
    await sleep(50);
    const started = performance.now();
    await computer.close();
    expect(performance.now() - started).toBeLessThan(1500);
    expect(ConnectionError.isInstance(await call)).toBe(true);
  });

  it('a handshake that never completes fails after connectTimeoutMs', async () => {
    const { port } = await silentPort();
    const { computer } = client(`ws://127.0.0.1:${port}/ws`, { connectTimeoutMs: 100 });
    const started = performance.now();
    const error = await computer.version().catch((e: unknown) => e);
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/Timed out after 100 ms/);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(computer.state).toBe('idle');
  });
});
