import { createServer, type Server } from 'node:http';
import type { RunningServer } from '@cua/computer-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.js';
import { handlersWith, startServer } from './helpers/server.js';
import { listenOnLoopback } from './helpers/loopback.js';

/** A plain page server: its address is the page's origin. */
async function pageServer(): Promise<{ origin: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>page</title>');
  });
  const { origin } = await listenOnLoopback(server);
  return { origin, server };
}

/** Runs in the page: tries /ws and POST /cmd, reports what it could do. */
async function attempt(target: { ws: string; http: string }) {
  const ws = await new Promise<string>((resolve) => {
    const socket = new WebSocket(target.ws);
    socket.onopen = () => socket.send(JSON.stringify({ command: 'get_cursor_position' }));
    socket.onmessage = (event) => resolve(`reply ${String(event.data)}`);
    socket.onerror = () => resolve('refused');
    setTimeout(() => resolve('no answer'), 3000);
  });
  let cmd: string;
  try {
    // text/plain makes this a "simple" request: no preflight protects it.
    const res = await fetch(`${target.http}/cmd`, {
      method: 'POST',
      body: JSON.stringify({ command: 'get_cursor_position' }),
      headers: { 'content-type': 'text/plain' },
    });
    cmd = `${res.status} ${await res.text()}`;
  } catch {
    cmd = 'refused';
  }
  return { ws, cmd };
}

describe('a browser page cannot drive the server from another origin', () => {
  let browser: Browser;
  let server: RunningServer;
  let allowed: Awaited<ReturnType<typeof pageServer>>;
  let other: Awaited<ReturnType<typeof pageServer>>;
  let actions = 0;

  beforeAll(async () => {
    allowed = await pageServer();
    other = await pageServer();
    server = await startServer({
      allowOrigins: [allowed.origin],
      handlers: handlersWith({
        get_cursor_position: () => {
          actions += 1;
          return { position: { x: 1, y: 2 } };
        },
      }),
    });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    allowed?.server.close();
    other?.server.close();
  });

  it('another origin is refused on /ws and /cmd, and nothing runs', async () => {
    const page = await browser.newPage();
    await page.goto(other.origin);
    const result = await page.evaluate(attempt, { ws: server.url, http: server.httpUrl });
    expect(result.ws).toBe('refused');
    expect(result.cmd).toBe('refused');
    expect(actions).toBe(0);
    await page.close();
  });

  it('an allowed origin works on both', async () => {
    const page = await browser.newPage();
    await page.goto(allowed.origin);
    const result = await page.evaluate(attempt, { ws: server.url, http: server.httpUrl });
    expect(result.ws).toBe('reply {"success":true,"position":{"x":1,"y":2}}');
    expect(result.cmd).toMatch(/^200 data: \{"success":true,"position":\{"x":1,"y":2\}\}/);
    expect(actions).toBe(2);
    await page.close();
  });
});
