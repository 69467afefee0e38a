import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_PATH } from './helpers/browser.js';
import { waitFor } from './helpers/desktop.js';
import { useDesktopServer } from './helpers/desktop-server.js';
import { startServer } from './helpers/server.js';
import { upstreamPlaywrightExec } from './helpers/upstream-python-client.js';

const FORM_PAGE = `<!doctype html><html><head><title>form</title><style>
  body { margin: 0; background: rgb(20, 160, 90); height: 3000px; }
  input { position: absolute; left: 20px; top: 20px; width: 300px; height: 30px; }
  button { position: absolute; left: 400px; top: 20px; width: 120px; height: 40px; }
</style></head><body>
<input id="text" autofocus>
<button onclick="location.href = '/echo?value=' + encodeURIComponent(document.getElementById('text').value)">Send</button>
<script>
  addEventListener('scroll', () => history.replaceState(null, '', '#scrolled-' + Math.round(scrollY)));
</script>
</body></html>`;

let pages: Server;
let site: string;

const ctx = useDesktopServer({
  desktop: { width: 1280, height: 900 },
  server: async ({ display }) => {
    pages = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      if (url.pathname === '/form') res.end(FORM_PAGE);
      else res.end(`<!doctype html><title>${url.pathname}</title><p>${url.search}</p>`);
    });
    await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
    site = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
    return {
      display,
      browser: { executablePath: CHROMIUM_PATH, webSearchUrl: `${site}/search?q={query}` },
    };
  },
  afterServer: () => {
    pages?.closeAllConnections();
    pages?.close();
  },
  timeoutMs: 60_000,
});

const exec = (command: string, params?: Record<string, unknown>) =>
  upstreamPlaywrightExec(ctx.server.httpUrl, command, params);

function browserProcesses(): number {
  const run = spawnSync('pgrep', ['-f', 'user-data-dir=/tmp/cua-browser-'], { encoding: 'utf8' });
  return run.stdout.split('\n').filter(Boolean).length;
}

describe('/playwright_exec as upstream’s Python client calls it', () => {
  it('visits a page on the server’s display and screenshots it', async () => {
    expect(await exec('visit_url', { url: `${site}/form` })).toEqual({
      success: true,
      url: `${site}/form`,
    });
    const shot = await exec('screenshot');
    expect(shot.success).toBe(true);
    const png = Buffer.from(shot.screenshot as string, 'base64');
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect({ width: info.width, height: info.height }).toEqual({ width: 1024, height: 768 });
    const at = (x: number, y: number) => {
      const i = (y * info.width + x) * info.channels;
      return [data[i], data[i + 1], data[i + 2]];
    };
    expect(at(700, 500)).toEqual([20, 160, 90]);
    // Headed, on the desktop the agent sees.
    const windows = spawnSync('xdotool', ['search', '--onlyvisible', '--class', 'chromium'], {
      env: { ...process.env, DISPLAY: ctx.display },
      encoding: 'utf8',
    });
    expect(windows.stdout.trim()).not.toBe('');
  });

  it('types, clicks, scrolls, goes back and forward', async () => {
    await exec('visit_url', { url: `${site}/form` });
    expect(await exec('click', { x: 170, y: 35 })).toEqual({ success: true });
    expect(await exec('type', { text: 'hi there' })).toEqual({ success: true });
    expect(await exec('click', { x: 460, y: 40 })).toEqual({ success: true });
    await waitFor(
      async () => {
        const now = (await exec('get_current_url')).url;
        return now === `${site}/echo?value=hi%20there` ? true : undefined;
      },
      10_000,
      'the click to navigate',
    );
    expect(await exec('go_back')).toEqual({ success: true, url: `${site}/form` });
    expect(await exec('go_forward')).toEqual({
      success: true,
      url: `${site}/echo?value=hi%20there`,
    });
    await exec('go_back');
    expect(await exec('scroll', { delta_x: 0, delta_y: 500 })).toEqual({ success: true });
    await waitFor(
      async () =>
        /#scrolled-500$/.test(String((await exec('get_current_url')).url)) ? true : undefined,
      10_000,
      'the scroll',
    );
  });

  it('runs web_search against the configured target, with the query encoded', async () => {
    expect(await exec('web_search', { query: 'cats & dogs #1' })).toEqual({
      success: true,
      url: `${site}/search?q=cats%20%26%20dogs%20%231`,
    });
  });

  it('fails with clear JSON and the status of its code', async () => {
    const post = (body: unknown) =>
      fetch(`${ctx.server.httpUrl}/playwright_exec`, {
        method: 'POST',
        body: JSON.stringify(body),
      });
    const noCommand = await post({ params: {} });
    expect(noCommand.status).toBe(400);
    expect(await noCommand.json()).toEqual({
      success: false,
      error: 'Command is required',
      code: 'invalid_request',
    });
    const unknown = await post({ command: 'fly' });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ code: 'unknown_command' });
    const noUrl = await post({ command: 'visit_url', params: {} });
    expect(noUrl.status).toBe(400);
    expect(await noUrl.json()).toMatchObject({ success: false, code: 'invalid_params' });
    const refused = await post({ command: 'visit_url', params: { url: 'http://127.0.0.1:1/' } });
    expect(refused.status).toBe(500);
    expect(await refused.json()).toMatchObject({
      success: false,
      code: 'command_failed',
      error: expect.stringMatching(/^visit_url: .*net::ERR_/),
    });
    // The Python client's view: any non-200 is {success: false, error: <body>}.
    const viaClient = await exec('visit_url', {});
    expect(viaClient.success).toBe(false);
    expect(JSON.parse(viaClient.error as string)).toMatchObject({ code: 'invalid_params' });
  });

  it('is listed in /status features, needs auth as /cmd does, and refuses foreign origins', async () => {
    const status = (await (await fetch(`${ctx.server.httpUrl}/status`)).json()) as {
      features: string[];
    };
    expect(status.features).toContain('playwright');
    const keyed = await startServer({
      auth: { mode: 'keys', apiKeys: ['sk-pw'], containerName: 'vm-pw' },
      browser: { executablePath: CHROMIUM_PATH },
    });
    try {
      const denied = await upstreamPlaywrightExec(keyed.httpUrl, 'get_current_url');
      expect(denied.success).toBe(false);
      expect(JSON.parse(denied.error as string)).toMatchObject({
        detail: 'Container name required',
      });
    } finally {
      await keyed.close();
    }
    const fromPage = await fetch(`${ctx.server.httpUrl}/playwright_exec`, {
      method: 'POST',
      headers: { Origin: 'http://evil.example' },
      body: JSON.stringify({ command: 'get_current_url' }),
    });
    expect(fromPage.status).toBe(403);
  });

  it('closes its browser with the server', async () => {
    const own = await startServer({
      display: ctx.display,
      browser: { executablePath: CHROMIUM_PATH },
    });
    const before = browserProcesses();
    expect(
      await upstreamPlaywrightExec(own.httpUrl, 'visit_url', { url: `${site}/x` }),
    ).toMatchObject({ success: true });
    expect(browserProcesses()).toBeGreaterThan(before);
    await own.close();
    await waitFor(() => (browserProcesses() <= before ? true : undefined), 10_000, 'browser gone');
  });
});
