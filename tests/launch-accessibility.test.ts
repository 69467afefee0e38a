// Apps started with `launch` can be read over AT-SPI without any set-up: they get the
// toolkits' accessibility switches, and Chromium its renderer switch, however they are started.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningServer } from '@cua/computer-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDesktop, waitFor, type VirtualDisplay } from './helpers/desktop.js';
import { RawClient, startServer } from './helpers/server.js';

let desktop: VirtualDisplay;
let server: RunningServer;
let client: RawClient;
let dir: string;
const savedPath = process.env.PATH;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cua-launch-a11y-'));
  // A stand-in `chromium` that writes down how it was started.
  const fake = join(dir, 'chromium');
  writeFileSync(fake, `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/args"\nenv > "${dir}/env"\n`);
  chmodSync(fake, 0o755);
  process.env.PATH = `${dir}:${savedPath}`;
  desktop = await startDesktop({ windowManager: 'none' });
  server = await startServer({ display: desktop.display });
  client = await RawClient.open(server.url);
}, 30_000);

afterAll(async () => {
  process.env.PATH = savedPath;
  await client?.close();
  await server?.close();
  await desktop?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const read = (name: string) =>
  waitFor(
    () => {
      try {
        const text = readFileSync(join(dir, name), 'utf8');
        // Written by a shell redirection: complete once it ends in a newline.
        return text.endsWith('\n') ? text : undefined;
      } catch {
        return undefined;
      }
    },
    10_000,
    name,
  );

describe('launch', () => {
  it.each([
    ['with args', { app: 'chromium', args: ['page.html'] }],
    ['through the shell', { app: 'chromium page.html' }],
  ])(
    '%s: Chromium gets --force-renderer-accessibility and the toolkit switches',
    async (_, params) => {
      rmSync(join(dir, 'args'), { force: true });
      rmSync(join(dir, 'env'), { force: true });
      expect(await client.request({ command: 'launch', params })).toMatchObject({ success: true });
      expect((await read('args')).trim().split('\n')).toEqual([
        '--force-renderer-accessibility',
        'page.html',
      ]);
      const env = await read('env');
      expect(env).toMatch(/^GTK_A11Y=atspi$/m);
      expect(env).toMatch(/^QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1$/m);
      expect(env).toMatch(/^ACCESSIBILITY_ENABLED=1$/m);
      expect(env).toMatch(new RegExp(`^DISPLAY=${desktop.display}$`, 'm'));
    },
  );
});
