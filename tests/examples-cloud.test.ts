import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { useDesktopServer } from './helpers/desktop-server.js';
import { useTempDir } from './helpers/temp-dir.js';
import { runExample } from './helpers/examples.js';

const SCRIPT = 'examples/cloud/cloud.mjs';
const KEY = 'sk-example-test-0123456789';

const tmp = useTempDir('cua-cloud-example-');
const ctx = useDesktopServer({
  // Local keys stand in for the cloud's key service; the client side is the same.
  server: ({ display }) => ({
    display,
    auth: { mode: 'keys', apiKeys: [KEY], containerName: 'example-box' },
  }),
});

describe('examples/cloud', () => {
  it('authenticates with the name and key from the environment and works', async () => {
    const png = join(tmp.path, 'cloud.png');
    const run = await runExample(SCRIPT, [png], {
      CUA_URL: ctx.server.url,
      CUA_CONTAINER_NAME: 'example-box',
      CUA_API_KEY: KEY,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`connecting to ${ctx.server.url} as example-box`);
    // The command ran on the target, which is this machine here.
    expect(run.stdout).toContain(`host: ${hostname()}`);
    expect(run.stdout).toContain(`screenshot: ${png} (1280x800 png)`);
    const meta = await sharp(png).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({
      format: 'png',
      width: 1280,
      height: 800,
    });
    expect(run.stdout + run.stderr).not.toContain(KEY);
  });

  it.each([
    ['a wrong key', 'example-box', 'sk-wrong'],
    ['a wrong container name', 'other-box', KEY],
  ])('with %s it says authentication failed and exits 1', async (_what, name, key) => {
    const png = join(tmp.path, `refused-${name}-${key.length}.png`);
    const run = await runExample(SCRIPT, [png], {
      CUA_URL: ctx.server.url,
      CUA_CONTAINER_NAME: name,
      CUA_API_KEY: key,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `Authentication failed for container "${name}": check CUA_CONTAINER_NAME and CUA_API_KEY`,
    );
    expect(run.stdout + run.stderr).not.toContain(key);
    expect(existsSync(png)).toBe(false);
  });

  it('without the variables it says which ones to set and exits 2', async () => {
    const run = await runExample(SCRIPT, [], { CUA_URL: ctx.server.url, CUA_API_KEY: KEY });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Set CUA_CONTAINER_NAME and CUA_API_KEY');
  });
});
