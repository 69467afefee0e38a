import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { killAllClis, startCliServer, type CliServer } from './helpers.js';

/**
 * Issue 12, DNS rebinding: a page at a name that resolves to 127.0.0.1 reaches a loopback
 * server with its own name in Host. Such requests are refused on every route.
 */

let cli: CliServer;
let port: number;

beforeAll(async () => {
  cli = await startCliServer(['--allowed-host', 'devbox.test']);
  port = Number(new URL(cli.httpUrl).port);
});

afterAll(killAllClis);

/** An HTTP request with a Host header of our choosing (fetch will not send a foreign one). */
function get(path: string, host: string, method = 'GET', body?: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { host } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function upgrade(host: string) {
  return new Promise<string>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { host } });
    ws.on('open', () => {
      ws.terminate();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
    ws.on('error', () => resolve('error'));
  });
}

describe('Host header when bound to loopback', () => {
  it.each(['evil.example', 'evil.example:8000', 'localhost.evil.example', '127.0.0.1.nip.io'])(
    'refuses %s on every route',
    async (host) => {
      for (const path of ['/status', '/commands']) {
        const res = await get(path, host);
        expect(res.status, path).toBe(403);
        expect(JSON.parse(res.body)).toMatchObject({ code: 'forbidden_origin' });
        expect(res.body).toContain('--allowed-host');
      }
      const cmd = await get('/cmd', host, 'POST', '{"command":"version"}');
      expect(cmd.status).toBe(403);
      expect(await upgrade(host)).toBe('403');
    },
  );

  it.each(['127.0.0.1', 'localhost', 'LOCALHOST.', 'app.localhost', '[::1]', 'devbox.test'])(
    'answers %s (with and without a port)',
    async (host) => {
      for (const value of [host, `${host}:${port}`]) {
        expect((await get('/status', value)).status, value).toBe(200);
        expect(await upgrade(value), value).toBe('open');
      }
    },
  );
});
