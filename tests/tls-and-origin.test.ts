import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Computer } from '@cua/computer-client';
import type { RunningServer } from '@cua/computer-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RawClient, startServer } from './helpers/server.js';

describe('TLS', () => {
  let dir: string;
  let cert: Buffer;
  let server: RunningServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cua-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    cert = readFileSync(join(dir, 'cert.pem'));
    server = await startServer({
      tls: { key: readFileSync(join(dir, 'key.pem')), cert },
      auth: { mode: 'keys', apiKeys: ['tls-key'] },
    });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves wss:// and an authenticating client works over it', async () => {
    expect(server.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ws$/);
    const computer = new Computer({
      url: server.url,
      containerName: 'c',
      apiKey: 'tls-key',
      createWebSocket: (url) => new WebSocket(url, { ca: cert }),
    });
    expect((await computer.version()).protocol).toBe(1);
    await computer.close();
  });

  it('serves https:// on the same port', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      get(`${server.httpUrl}/status`, { ca: cert }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    expect(JSON.parse(body)).toMatchObject({ status: 'ok' });
  });

  it('refuses a client that does not trust the certificate', async () => {
    const ws = new WebSocket(server.url);
    const [err] = (await once(ws, 'error')) as [Error];
    expect(err.message).toMatch(/self[- ]signed/i);
  });
});

describe('cross-site protection', () => {
  let server: RunningServer;
  const allowed = 'http://localhost:5173';

  beforeAll(async () => {
    server = await startServer({ allowOrigins: [allowed] });
  });
  afterAll(() => server.close());

  it('a WebSocket from another origin is refused before it opens', async () => {
    const ws = new WebSocket(server.url, { origin: 'http://evil.example' });
    const [err] = (await once(ws, 'error')) as [Error];
    expect(err.message).toMatch(/403/);
  });

  it('a WebSocket from an allowed origin, or without Origin, works', async () => {
    for (const options of [{ origin: allowed }, {}]) {
      const client = await RawClient.open(server.url, options);
      expect(await client.request({ command: 'version' })).toMatchObject({ success: true });
      await client.close();
    }
  });

  it('POST /cmd from another origin is refused, even as a "simple" request', async () => {
    const res = await fetch(`${server.httpUrl}/cmd`, {
      method: 'POST',
      body: '{"command":"version"}',
      headers: { origin: 'http://evil.example', 'content-type': 'text/plain' },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(await res.json()).toMatchObject({ code: 'forbidden_origin' });
  });

  it('an allowed origin gets CORS for its own origin only, without credentials', async () => {
    const preflight = await fetch(`${server.httpUrl}/cmd`, {
      method: 'OPTIONS',
      headers: { origin: allowed, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const res = await fetch(`${server.httpUrl}/cmd`, {
      method: 'POST',
      body: '{"command":"version"}',
      headers: { origin: allowed },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed);
  });

  it('a server with no allowed origins refuses every browser origin', async () => {
    const strict = await startServer();
    const ws = new WebSocket(strict.url, { origin: 'http://127.0.0.1:1234' });
    const [err] = (await once(ws, 'error')) as [Error];
    expect(err.message).toMatch(/403/);
    await strict.close();
  });
});
