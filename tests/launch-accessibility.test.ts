// Apps started with `launch` can be read over AT-SPI without any set-up: they get the
// toolkits' accessibility switches, and Chromium its renderer switch, however they are started.
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './helpers/desktop.js';
import { useDesktopServer } from './helpers/desktop-server.js';
import { useTempDir } from './helpers/temp-dir.js';

const savedPath = process.env.PATH;

const tmp = useTempDir('cua-launch-a11y-');
const ctx = useDesktopServer({ desktop: { windowManager: 'none' }, client: 'raw' });

beforeAll(() => {
  // A stand-in `chromium` that writes down how it was started.
  const fake = join(tmp.path, 'chromium');
  writeFileSync(
    fake,
    `#!/bin/sh\nprintf '%s\\n' "$@" > "${tmp.path}/args"\nenv > "${tmp.path}/env"\n`,
  );
  chmodSync(fake, 0o755);
  process.env.PATH = `${tmp.path}:${savedPath}`;
});
afterAll(() => {
  process.env.PATH = savedPath;
});

const read = (name: string) =>
  waitFor(
    () => {
      try {
        const text = readFileSync(join(tmp.path, name), 'utf8');
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
      rmSync(join(tmp.path, 'args'), { force: true });
      rmSync(join(tmp.path, 'env'), { force: true });
      expect(await ctx.client.request({ command: 'launch', params })).toMatchObject({
        success: true,
      });
      expect((await read('args')).trim().split('\n')).toEqual([
        '--force-renderer-accessibility',
        'page.html',
      ]);
      const env = await read('env');
      expect(env).toMatch(/^GTK_A11Y=atspi$/m);
      expect(env).toMatch(/^QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1$/m);
      expect(env).toMatch(/^ACCESSIBILITY_ENABLED=1$/m);
      expect(env).toMatch(new RegExp(`^DISPLAY=${ctx.display}$`, 'm'));
    },
  );
});
