import { beforeAll, describe, expect, it } from 'vitest';
import {
  findWindow,
  openRecordingTerminal,
  pointerPosition,
  waitFor,
  windowGeometry,
  x,
} from './helpers/desktop.js';
import { useDesktopServer } from './helpers/desktop-server.js';
import { runExample } from './helpers/examples.js';
import { openEventWindow } from './helpers/xev.js';

const SCRIPT = 'examples/agent-loop/agent-loop.mjs';

const ctx = useDesktopServer();

// A plain background that touches the screen's edges: the stand-in model never picks it.
beforeAll(() => x(ctx.display, 'xsetroot', ['-solid', '#204060']));

describe('examples/agent-loop', () => {
  it('clicks where the model pointed in a half-size screenshot', async () => {
    // The only window: an empty white xev witness, right of and below the screen's middle, so a
    // click at the screenshot's own coordinates (unconverted, half of the screen's) misses it.
    const geometry = { x: 700, y: 400, width: 360, height: 240 };
    const witness = await openEventWindow(ctx.display, geometry);
    try {
      expect(witness.area.x).toBeGreaterThan(witness.center.x / 2);
      expect(witness.area.y).toBeGreaterThan(witness.center.y / 2);
      witness.clear();
      const run = await runExample(SCRIPT, [], { CUA_URL: ctx.server.url, CUA_MAX_WIDTH: '640' });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^step 1: screenshot 640x400, scale 0\.5: click \(\d+, \d+\)/m);
      expect(run.stdout).toMatch(/^step 2: .*: done: /m);

      // xev saw one left press, at the middle of its window, give or take the 2 screen pixels
      // one pixel of a half-size screenshot covers.
      await waitFor(() => (witness.presses().length > 0 ? true : undefined), 5000, 'a click');
      expect(witness.presses()).toEqual([1]);
      const press = witness.events().find((event) => event.type === 'ButtonPress')!;
      expect(Math.abs(press.rootX! - witness.center.x)).toBeLessThanOrEqual(2);
      expect(Math.abs(press.rootY! - witness.center.y)).toBeLessThanOrEqual(2);
      // And the log's screen point is where xev saw it.
      const logged = /= \((\d+), (\d+)\) on the screen/.exec(run.stdout)!;
      expect({ x: Number(logged[1]), y: Number(logged[2]) }).toEqual({
        x: press.rootX,
        y: press.rootY,
      });
    } finally {
      await witness.close();
    }
  });

  it('at an uneven scale, clicks the biggest window to focus it and types into it', async () => {
    const term = await openRecordingTerminal(ctx.display, 'agent-term');
    const witness = await openEventWindow(ctx.display);
    try {
      // The smaller xev window has the focus: the text reaches the terminal only if the click
      // landed on it.
      const witnessId = await findWindow(ctx.display, 'xev-witness');
      x(ctx.display, 'xdotool', ['windowactivate', '--sync', witnessId]);
      witness.clear();
      const text = 'typed by the agent ✓';
      const run = await runExample(SCRIPT, ['type into the terminal'], {
        CUA_URL: ctx.server.url,
        CUA_MAX_WIDTH: '800',
        CUA_TEXT: text,
      });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('goal: type into the terminal');
      expect(run.stdout).toMatch(/^step 1: screenshot 800x500, scale 0\.625: click /m);
      expect(run.stdout).toContain(
        `step 2: screenshot 800x500, scale 0.625: type ${JSON.stringify(text)}`,
      );
      expect(run.stdout).toMatch(/^step 3: .*: done: /m);

      const expected = Buffer.from(text, 'utf8');
      expect((await term.waitForBytes(expected.length)).equals(expected)).toBe(true);
      const box = windowGeometry(ctx.display, term.windowId);
      const pointer = pointerPosition(ctx.display);
      expect(Math.abs(pointer.x - (box.x + box.width / 2))).toBeLessThanOrEqual(3);
      expect(Math.abs(pointer.y - (box.y + box.height / 2))).toBeLessThanOrEqual(3);
      expect(witness.presses()).toEqual([]);
    } finally {
      await witness.close();
      await term.close();
    }
  });

  it('stops at once when there is nothing to click', async () => {
    const run = await runExample(SCRIPT, [], { CUA_URL: ctx.server.url });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^step 1: screenshot 1024x640, scale 0\.8: done: nothing on /m);
  });
});
