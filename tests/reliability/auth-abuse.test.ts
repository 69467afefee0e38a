import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { ComputerServerOptions, RunningServer } from '@cua/computer-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer } from '../helpers/server.js';
import { sleep } from './helpers.js';
import { listenOnLoopback } from '../helpers/loopback.js';

/**
 * Issue 12, "before auth" and "auth can be raced, and locks out the owner". Servers run in this
 * process (auth settings are theirs to choose); the verification service is a loopback stand-in
 * that answers slowly and records how many checks it had at once.
 */

interface Verifier {
  baseUrl: string;
  calls: number;
  maxConcurrent: number;
  close(): Promise<void>;
}

async function startVerifier(delayMs: number, goodKey: string): Promise<Verifier> {
  let running = 0;
  const state = { calls: 0, maxConcurrent: 0 };
  const server: Server = createServer((req, res) => {
    state.calls += 1;
    running += 1;
    state.maxConcurrent = Math.max(state.maxConcurrent, running);
    setTimeout(() => {
      running -= 1;
      const ok = req.headers.authorization === `Bearer ${goodKey}`;
      res.writeHead(ok ? 200 : 401);
      res.end(ok ? '{"ok":true}' : 'no');
    }, delayMs);
  });
  const { origin } = await listenOnLoopback(server);
  return {
    baseUrl: origin,
    get calls() {
      return state.calls;
    },
    get maxConcurrent() {
      return state.maxConcurrent;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const servers: RunningServer[] = [];
const verifiers: Verifier[] = [];

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all(verifiers.map((v) => v.close()));
});

async function server(auth: ComputerServerOptions['auth']) {
  const s = await startServer({ auth, shutdownGraceMs: 100, shutdownAbortWaitMs: 100 });
  servers.push(s);
  return s;
}

/**
 * A verifier that answers after `delayMs` and takes `sk-good`, and a cloud (container-mode)
 * server that asks it about every key (no cache), with the rest of `auth`.
 */
async function cloudServer(
  delayMs: number,
  auth: Partial<NonNullable<ComputerServerOptions['auth']>>,
): Promise<{ verifier: Verifier; cloud: RunningServer }> {
  const verifier = await startVerifier(delayMs, 'sk-good');
  verifiers.push(verifier);
  const cloud = await server({
    mode: 'container',
    containerName: 'vm1',
    authBaseUrl: verifier.baseUrl,
    remoteCacheTtlMs: 0,
    ...auth,
  });
  return { verifier, cloud };
}

interface Attempt {
  reply: Record<string, unknown> | undefined;
  closeCode: number | undefined;
  /** HTTP status when the upgrade itself was refused. */
  refused: number | undefined;
  ms: number;
}

/** One `/ws` handshake; `localAddress` picks which loopback address the client comes from. */
async function attempt(
  url: string,
  apiKey: string,
  { localAddress, extra }: { localAddress?: string; extra?: string } = {},
): Promise<Attempt> {
  const started = Date.now();
  const ws = new WebSocket(url, {
    perMessageDeflate: false,
    ...(localAddress ? { localAddress } : {}),
  });
  const result: Attempt = { reply: undefined, closeCode: undefined, refused: undefined, ms: 0 };
  await new Promise<void>((resolve) => {
    ws.on('unexpected-response', (_req, res) => {
      result.refused = res.statusCode;
      resolve();
    });
    ws.on('error', () => resolve());
    ws.on('open', () => {
      ws.send(
        JSON.stringify({
          command: 'authenticate',
          params: { container_name: 'vm1', api_key: apiKey },
        }),
      );
      if (extra !== undefined) ws.send(extra);
    });
    ws.on('message', (data: Buffer) => {
      result.reply ??= JSON.parse(data.toString()) as Record<string, unknown>;
      result.ms = Date.now() - started;
      resolve();
    });
    ws.on('close', (code: number) => {
      result.closeCode = code;
      resolve();
    });
  });
  result.ms ||= Date.now() - started;
  ws.terminate();
  return result;
}

describe('before authentication', () => {
  let cloud: RunningServer;

  beforeAll(async () => {
    ({ cloud } = await cloudServer(200, { maxFailures: 1000 }));
  });

  it('POST /cmd answers 401 before reading a byte of the body', async () => {
    const { port } = cloud;
    // 30 requests announcing 16 MB bodies and sending 1 MB of them: each answered at once.
    const sockets = Array.from({ length: 30 }, () => connect(port, '127.0.0.1'));
    try {
      const started = Date.now();
      const answers = await Promise.all(
        sockets.map(
          (socket) =>
            new Promise<string>((resolve, reject) => {
              let text = '';
              socket.on('data', (chunk: Buffer) => {
                text += chunk.toString('latin1');
                if (text.includes('\r\n\r\n')) resolve(text);
              });
              socket.on('error', reject);
              socket.write(
                'POST /cmd HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 16000000\r\n' +
                  'X-Container-Name: vm1\r\nX-API-Key: sk-bad\r\n\r\n',
              );
              socket.write(Buffer.alloc(1024 * 1024, 0x7b));
            }),
        ),
      );
      for (const answer of answers) expect(answer).toMatch(/^HTTP\/1\.1 401 /);
      // The verifier takes 200 ms and runs 4 at once per address: 30 checks in ~1.5 s.
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      for (const socket of sockets) socket.destroy();
    }
  });

  it('/ws: more than a small first frame before authentication closes the socket', async () => {
    // A valid key, but the check takes 200 ms; a 1 MiB frame pipelined behind it is refused.
    const pipelined = await attempt(cloud.url, 'sk-good', {
      extra: JSON.stringify({ command: 'version', params: { pad: 'x'.repeat(1024 * 1024) } }),
    });
    expect(pipelined.reply).toBeUndefined();
    // Closed on arrival, not after the check (which would have answered success first).
    expect(pipelined.closeCode).toBe(1006);
    // A first frame of 1 MiB is never even parsed.
    const ws = new WebSocket(cloud.url, { perMessageDeflate: false });
    await once(ws, 'open');
    ws.on('error', () => undefined);
    ws.send('x'.repeat(1024 * 1024));
    const [code] = (await once(ws, 'close')) as [number];
    expect(code).toBe(1006);
  });

  it('caps unauthenticated sockets per address; the 33rd is refused at the upgrade', async () => {
    const sockets: WebSocket[] = [];
    try {
      const outcomes = await Promise.all(
        Array.from(
          { length: 40 },
          () =>
            new Promise<string>((resolve) => {
              const ws = new WebSocket(cloud.url, { perMessageDeflate: false });
              sockets.push(ws);
              ws.on('open', () => resolve('open'));
              ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
              ws.on('error', () => resolve('error'));
            }),
        ),
      );
      expect(outcomes.filter((o) => o === 'open')).toHaveLength(32);
      expect(outcomes.filter((o) => o === '503')).toHaveLength(8);
    } finally {
      for (const ws of sockets) ws.terminate();
    }
  });
});

describe('lifetime of a connection that has not identified itself', () => {
  it('a request trickling its headers is dropped at the headers timeout', async () => {
    const s = await startServer({
      auth: { mode: 'keys', apiKeys: ['right'] },
      headersTimeoutMs: 500,
    });
    servers.push(s);
    const socket = connect(s.port, '127.0.0.1');
    let closed = false;
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    const started = Date.now();
    try {
      socket.write('POST /cmd HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      // One header every 100 ms, for at most 4 s: a slowloris that never finishes.
      for (let i = 0; i < 40 && !closed; i += 1) {
        socket.write(`X-Slow-${i}: x\r\n`);
        await sleep(100);
      }
      expect(closed, 'the trickling connection is still open').toBe(true);
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      socket.destroy();
    }
  });
});

describe('failures are throttled, the right key never refused', () => {
  it('after many failures from one address, the right key passes at once (/ws and /cmd)', async () => {
    const keyed = await server({ mode: 'keys', apiKeys: ['right'], maxFailureDelayMs: 300 });
    // 40 failures from this address, in parallel: more than the 32 unauthenticated slots, so
    // the later ones make room by evicting those waiting out their delay.
    const failures = await Promise.all(Array.from({ length: 40 }, () => attempt(keyed.url, 'no')));
    expect(failures.every((f) => f.refused === undefined)).toBe(true);
    const right = await attempt(keyed.url, 'right');
    expect(right.reply).toEqual({ success: true, message: 'Authentication successful' });
    // Not refused, and not made to wait out anyone's delay (those are 300 ms here).
    expect(right.ms).toBeLessThan(1000);
    const res = await fetch(`${keyed.httpUrl}/cmd`, {
      method: 'POST',
      body: '{"command":"version"}',
      headers: { 'x-container-name': 'vm1', 'x-api-key': 'right' },
    });
    expect(res.status).toBe(200);
    // A wrong key now waits out the delay, and gets upstream's exact reply.
    const wrong = await attempt(keyed.url, 'no');
    expect(wrong.reply).toEqual({ success: false, error: 'Authentication failed' });
    expect(wrong.ms).toBeGreaterThanOrEqual(290);
  });

  it('caps concurrent remote checks: 100 parallel bad handshakes reach the verifier 4 at a time', async () => {
    const { verifier, cloud } = await cloudServer(100, { maxFailureDelayMs: 200 });
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, () => attempt(cloud.url, 'sk-bad')),
    );
    expect(verifier.maxConcurrent).toBeLessThanOrEqual(4);
    // The rest were refused at the upgrade (32 unauthenticated sockets per address).
    expect(outcomes.some((o) => o.refused === 503)).toBe(true);
    // And the right key, with a cold cache, still gets in.
    const right = await attempt(cloud.url, 'sk-good');
    expect(right.reply).toEqual({ success: true, message: 'Authentication successful' });
  });

  it('caps concurrent remote checks in total: 100 handshakes from 25 addresses, 16 at a time', async () => {
    const { verifier, cloud } = await cloudServer(100, { maxFailureDelayMs: 100 });
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        attempt(cloud.url, `sk-bad-${i}`, { localAddress: `127.0.1.${2 + (i % 25)}` }),
      ),
    );
    expect(outcomes.every((o) => o.reply?.error === 'Authentication failed')).toBe(true);
    expect(verifier.calls).toBe(100);
    expect(verifier.maxConcurrent).toBeLessThanOrEqual(16);
    expect(verifier.maxConcurrent).toBeGreaterThan(4);
  });

  it('a global failure budget: rotating addresses does not multiply fast guesses', async () => {
    const keyed = await server({
      mode: 'keys',
      apiKeys: ['right'],
      globalFailureBudget: 5,
      maxFailureDelayMs: 350,
    });
    const times: number[] = [];
    // One guess (a new key each time) from each of 10 loopback addresses: none failed before.
    for (let i = 2; i < 12; i += 1) {
      const failed = await attempt(keyed.url, `guess-${i}`, { localAddress: `127.0.0.${i}` });
      expect(failed.reply).toEqual({ success: false, error: 'Authentication failed' });
      times.push(failed.ms);
    }
    expect(
      times.slice(0, 5).every((ms) => ms < 250),
      times.join(' '),
    ).toBe(true);
    expect(
      times.slice(6).every((ms) => ms >= 340),
      times.join(' '),
    ).toBe(true);
    const right = await attempt(keyed.url, 'right', { localAddress: '127.0.0.20' });
    expect(right.reply).toEqual({ success: true, message: 'Authentication successful' });
    expect(right.ms).toBeLessThan(340);
  });
});
