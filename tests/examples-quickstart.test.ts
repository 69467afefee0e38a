import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  findWindow,
  openRecordingTerminal,
  pointerPosition,
  windowGeometry,
  x,
  type RecordingTerminal,
} from './helpers/desktop.js';
import { useDesktopServer } from './helpers/desktop-server.js';
import { useTempDir } from './helpers/temp-dir.js';
import { runExample } from './helpers/examples.js';
import { openEventWindow } from './helpers/xev.js';

const serverVersion = (
  JSON.parse(readFileSync(new URL('../packages/server/package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

const tmp = useTempDir('cua-quickstart-');
const ctx = useDesktopServer();

describe('examples/quickstart', () => {
  it('prints the version, saves a PNG, clicks, types there, reads the clipboard', async () => {
    x(ctx.display, 'xsetroot', ['-solid', '#336699']);
    const term: RecordingTerminal = await openRecordingTerminal(ctx.display, 'quickstart-term');
    const witness = await openEventWindow(ctx.display);
    try {
      // Another window has the focus: only a click that lands on the terminal lets it get the
      // typed text.
      const witnessId = await findWindow(ctx.display, 'xev-witness');
      x(ctx.display, 'xdotool', ['windowactivate', '--sync', witnessId]);
      expect(x(ctx.display, 'xdotool', ['getactivewindow']).trim()).toBe(witnessId);
      witness.clear();
      const box = windowGeometry(ctx.display, term.windowId);
      const target = {
        x: box.x + Math.floor(box.width / 2),
        y: box.y + Math.floor(box.height / 2),
      };
      const png = join(tmp.path, 'screen.png');

      const run = await runExample(
        'examples/quickstart/quickstart.mjs',
        [png, String(target.x), String(target.y)],
        { CUA_URL: ctx.server.url },
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`server: ${serverVersion} (protocol 1)`);
      expect(run.stdout).toContain('features: request-id');
      expect(run.stdout).toContain('screen: 1280x800');

      // The file is a real PNG of the whole screen: the root colour where no window is.
      const { data, info } = await sharp(png)
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
      expect((await sharp(png).metadata()).format).toBe('png');
      expect({ width: info.width, height: info.height }).toEqual({ width: 1280, height: 800 });
      const corner = (795 * info.width + 5) * 3;
      expect([...data.subarray(corner, corner + 3)]).toEqual([0x33, 0x66, 0x99]);

      // The click went where it was told, and moved the focus to the terminal (not the witness).
      expect(pointerPosition(ctx.display)).toEqual(target);
      expect(witness.presses()).toEqual([]);
      const expected = Buffer.from('Hello from cua ✓', 'utf8');
      expect((await term.waitForBytes(expected.length)).equals(expected)).toBe(true);

      // What it printed is what the X clipboard holds.
      const clip = /^clipboard: (copied by the quickstart at \d{4}-\d\d-\d\dT.*)$/m.exec(
        run.stdout,
      );
      expect(clip, run.stdout).not.toBeNull();
      expect(x(ctx.display, 'xsel', ['--clipboard', '--output'])).toBe(clip![1]);
    } finally {
      await witness.close();
      await term.close();
    }
  });

  it('says plainly when no server is there, and exits non-zero', async () => {
    const run = await runExample(
      'examples/quickstart/quickstart.mjs',
      [join(tmp.path, 'none.png')],
      {
        CUA_URL: 'ws://127.0.0.1:1/ws',
      },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^quickstart failed: .*ECONNREFUSED/);
  });
});
