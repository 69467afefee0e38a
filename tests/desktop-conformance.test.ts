// One conformance suite for every desktop backend, on a real Xvfb desktop. Each backend passes
// what it declares in `capabilities`, and what it declares it cannot do fails the way declared.
// Oracles are independent of our code: ImageMagick's `import` for pixels, xdotool for the
// pointer, xev for buttons and wheel, a raw xterm for typed bytes, xclip for the clipboard.
import { spawnSync } from 'node:child_process';
import { createDesktop, type Desktop } from '@cua/computer-server';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openRecordingTerminal,
  pointerPosition,
  rootPixel,
  sleep,
  startDesktop,
  waitFor,
  x,
  type VirtualDisplay,
} from './helpers/desktop.js';
import { openEventWindow } from './helpers/xev.js';

/** What each backend is expected to declare: the suite checks the declaration, then holds it to it. */
const BACKENDS = [
  {
    backend: 'x11',
    exactTyping: true,
    windows: true,
    damage: true,
    monitors: true,
    cursorImage: true,
  },
  {
    backend: 'nut',
    exactTyping: false,
    windows: false,
    damage: false,
    monitors: false,
    cursorImage: false,
  },
] as const;

/** Four flat colours, one per quadrant, set as the root window's background. */
const QUADRANTS = [
  { x: 320, y: 200, rgb: [220, 30, 40] },
  { x: 960, y: 200, rgb: [30, 200, 60] },
  { x: 320, y: 600, rgb: [40, 60, 230] },
  { x: 960, y: 600, rgb: [240, 230, 20] },
];

async function setQuadrantWallpaper(display: string): Promise<void> {
  const quadrant = (rgb: number[]) =>
    sharp({
      create: {
        width: 640,
        height: 400,
        channels: 3,
        background: { r: rgb[0]!, g: rgb[1]!, b: rgb[2]! },
      },
    })
      .png()
      .toBuffer();
  const tiles = await Promise.all(QUADRANTS.map((q) => quadrant(q.rgb)));
  const file = `/tmp/cua-conformance-${process.pid}.png`;
  await sharp({ create: { width: 1280, height: 800, channels: 3, background: '#000' } })
    .composite(
      tiles.map((input, i) => ({ input, left: (i % 2) * 640, top: Math.floor(i / 2) * 400 })),
    )
    .png()
    .toFile(file);
  x(display, 'xwallpaper', ['--stretch', file]);
}

async function decodedPixel(image: Uint8Array, px: number, py: number) {
  const { data, info } = await sharp(image)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const i = (py * info.width + px) * 3;
  return { rgb: [data[i]!, data[i + 1]!, data[i + 2]!], width: info.width, height: info.height };
}

const near = (a: number[], b: number[], tolerance: number) =>
  a.every((value, i) => Math.abs(value - b[i]!) <= tolerance);

let screen: VirtualDisplay;

beforeAll(async () => {
  screen = await startDesktop();
  await setQuadrantWallpaper(screen.display);
}, 30_000);

afterAll(async () => {
  await screen?.stop();
});

describe.each(BACKENDS)('the $backend backend', (expected) => {
  let desktop: Desktop;

  beforeAll(() => {
    desktop = createDesktop({ display: screen.display, backend: expected.backend });
  });

  afterAll(async () => {
    await desktop?.close();
  });

  it('declares what it can do', () => {
    const { name, ...declared } = desktop.capabilities;
    expect(name).toBe(expected.backend);
    const { backend: _backend, ...rest } = expected;
    expect(declared).toEqual(rest);
  });

  it('reports the screen size, and monitors that cover the screen', async () => {
    expect(await desktop.screenSize()).toEqual({ width: 1280, height: 800 });
    const monitors = await desktop.monitors();
    expect(monitors.length).toBeGreaterThanOrEqual(1);
    expect(monitors.filter((m) => m.primary)).toHaveLength(1);
    expect(monitors[0]).toMatchObject({ x: 0, y: 0, width: 1280, height: 800 });
  });

  it('captures the screen: PNG pixels equal what ImageMagick reads from the X server', async () => {
    const image = await desktop.capture(undefined, {
      format: 'png',
      quality: 80,
      width: 1280,
      height: 800,
    });
    expect([image.width, image.height]).toEqual([1280, 800]);
    for (const q of QUADRANTS) {
      const ours = await decodedPixel(image.data, q.x, q.y);
      // ImageMagick reads the pixel from the X server, not through our code.
      expect(ours.rgb).toEqual(rootPixel(screen.display, q.x, q.y));
      expect(near(ours.rgb, q.rgb, 2)).toBe(true);
    }
  });

  it('captures a region, and scales a JPEG to the size asked for', async () => {
    const region = await desktop.capture(
      { x: 600, y: 380, width: 80, height: 40 },
      { format: 'png', quality: 80, width: 80, height: 40 },
    );
    // The region straddles all four quadrants: each corner has its quadrant's colour.
    expect((await decodedPixel(region.data, 5, 5)).rgb).toEqual(QUADRANTS[0]!.rgb);
    expect((await decodedPixel(region.data, 75, 35)).rgb).toEqual(QUADRANTS[3]!.rgb);
    const small = await desktop.capture(undefined, {
      format: 'jpeg',
      quality: 80,
      width: 640,
      height: 400,
    });
    const pixel = await decodedPixel(small.data, 160, 100);
    expect([pixel.width, pixel.height]).toEqual([640, 400]);
    expect(near(pixel.rgb, QUADRANTS[0]!.rgb, 24)).toBe(true);
  });

  it('moves the pointer where asked, clamped to the screen', async () => {
    await desktop.move(123, 456);
    expect(pointerPosition(screen.display)).toEqual({ x: 123, y: 456 });
    expect(await desktop.cursorPosition()).toEqual({ x: 123, y: 456 });
    await desktop.move(-1e9, 1e9);
    expect(pointerPosition(screen.display)).toEqual({ x: 0, y: 799 });
    await desktop.move(5000, -20);
    expect(pointerPosition(screen.display)).toEqual({ x: 1279, y: 0 });
  });

  it('grabs raw frames: the B G R X bytes of the screen', async () => {
    const frame = await desktop.grab({ x: 300, y: 180, width: 40, height: 40 });
    try {
      expect([frame.width, frame.height, frame.data.length]).toEqual([40, 40, 40 * 40 * 4]);
      const [r, g, b] = QUADRANTS[0]!.rgb;
      expect([...frame.data.subarray(0, 3)]).toEqual([b, g, r]);
    } finally {
      frame.release();
    }
  });

  it(
    expected.cursorImage
      ? 'gives the pointer image where the pointer is'
      : 'declares no pointer image',
    async () => {
      await desktop.move(300, 200);
      const cursor = await desktop.cursorImage();
      if (!expected.cursorImage) {
        expect(cursor).toBeUndefined();
        return;
      }
      expect(cursor).toMatchObject({ x: 300, y: 200 });
      expect(cursor!.argb.length).toBe(cursor!.width * cursor!.height * 4);
      expect(cursor!.argb.some((byte) => byte !== 0)).toBe(true);
    },
  );

  it('clicks and scrolls: xev sees the buttons and the wheel', async () => {
    const witness = await openEventWindow(screen.display);
    try {
      await desktop.move(witness.center.x, witness.center.y);
      await sleep(100);
      witness.clear();
      await desktop.click('left', 1);
      await desktop.click('right', 1);
      await desktop.click('middle', 2);
      await desktop.scroll(0, 2);
      await desktop.scroll(0, -1);
      await desktop.scroll(1, 0);
      await desktop.scroll(-1, 0);
      await waitFor(() => (witness.presses().length >= 9 ? true : undefined), 5000, 'presses');
      expect(witness.presses()).toEqual([1, 3, 2, 2, 4, 4, 5, 7, 6]);
    } finally {
      await witness.close();
    }
  });

  it(`types ${expected.exactTyping ? 'any Unicode text exactly' : 'lower-case ASCII exactly (declared inexact otherwise)'}`, async () => {
    const terminal = await openRecordingTerminal(screen.display);
    try {
      const text = expected.exactTyping ? 'Grüße, café — 世界 ✓ Hello! @#$' : 'hello world 123';
      await desktop.typeText(text);
      const bytes = await terminal.waitForBytes(Buffer.byteLength(text));
      expect(bytes.toString('utf8')).toBe(text);
      await desktop.pressKey({ kind: 'named', name: 'enter' });
      await desktop.hotkey([
        { kind: 'named', name: 'ctrl' },
        { kind: 'char', char: 'a' },
      ]);
      const all = await terminal.waitForBytes(Buffer.byteLength(text) + 2);
      expect([...all.subarray(-2)]).toEqual([0x0d, 0x01]);
    } finally {
      await terminal.close();
    }
  });

  it('reads and writes the clipboard that other apps use', async () => {
    await desktop.writeClipboard('conformance ✓');
    expect(x(screen.display, 'xclip', ['-selection', 'clipboard', '-o'])).toBe('conformance ✓');
    // xclip stays behind to serve the selection: no pipe of ours may keep it (or us) waiting.
    spawnSync('sh', ['-c', 'printf "from xclip" | xclip -selection clipboard'], {
      env: { ...process.env, DISPLAY: screen.display },
      stdio: 'ignore',
    });
    await waitFor(async () =>
      (await desktop.readClipboard()) === 'from xclip' ? true : undefined,
    );
  });

  it(
    expected.windows ? 'reads the active window' : 'declares window commands unsupported',
    async () => {
      const terminal = await openRecordingTerminal(screen.display);
      try {
        if (expected.windows) {
          const active = await desktop.windows.activeWindow();
          expect(active).toBe(Number(x(screen.display, 'xdotool', ['getactivewindow']).trim()));
          expect(await desktop.windowManagerName()).toMatch(/openbox/i);
        } else {
          await expect(desktop.windows.activeWindow()).rejects.toMatchObject({
            code: 'unsupported',
          });
        }
      } finally {
        await terminal.close();
      }
    },
  );

  it(
    expected.damage
      ? 'reports screen damage when pixels change, and none for pointer motion'
      : 'never reports damage (declared)',
    async () => {
      const events: Array<{ area: { x: number; y: number; width: number; height: number } }> = [];
      const stop = desktop.onDamage((event) => events.push(event));
      try {
        await sleep(300);
        events.length = 0;
        for (let i = 0; i < 20; i++) await desktop.move(100 + i * 10, 100 + i * 5);
        await sleep(200);
        expect(events).toEqual([]);
        x(screen.display, 'xsetroot', ['-solid', '#336699']);
        await sleep(300);
        if (expected.damage) {
          expect(events.length).toBeGreaterThan(0);
          expect(events.some((e) => e.area.width * e.area.height > 1000)).toBe(true);
        } else {
          expect(events).toEqual([]);
        }
      } finally {
        stop();
        await setQuadrantWallpaper(screen.display);
      }
    },
  );
});

describe.each(BACKENDS)('the $backend backend when the display dies', ({ backend }) => {
  it('fails with display_unavailable while it is gone, and works again once it is back', async () => {
    let display = await startDesktop({ windowManager: 'none' });
    const name = display.display;
    const desktop = createDesktop({ display: name, backend });
    try {
      expect(await desktop.screenSize()).toEqual({ width: 1280, height: 800 });
      await display.stop();
      await expect(
        desktop.capture(undefined, { format: 'jpeg', quality: 80, width: 1280, height: 800 }),
      ).rejects.toMatchObject({ code: 'display_unavailable' });
      await expect(desktop.move(10, 10)).rejects.toMatchObject({ code: 'display_unavailable' });
      display = await startDesktop({
        display: name,
        windowManager: 'none',
        width: 1024,
        height: 768,
      });
      const back = await waitFor(
        () => desktop.screenSize().catch(() => undefined),
        10_000,
        'the backend to reconnect',
      );
      expect(back).toEqual({ width: 1024, height: 768 });
      await desktop.move(20, 30);
      expect(pointerPosition(name)).toEqual({ x: 20, y: 30 });
    } finally {
      await desktop.close();
      await display.stop();
    }
  }, 40_000);
});
