import { spawn, spawnSync } from 'node:child_process';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  findWindow,
  pointerPosition,
  sleep,
  startDesktop,
  waitFor,
  windowGeometry,
  x,
} from './helpers/desktop.js';
import { useDesktopServer } from './helpers/desktop-server.js';
import { openEventWindow } from './helpers/xev.js';
import { RawClient, startServer } from './helpers/server.js';

const ctx = useDesktopServer({ client: 'raw' });

async function call(command: string, params: Record<string, unknown> = {}) {
  return ctx.client.request({ command, params });
}

async function ok(command: string, params: Record<string, unknown> = {}) {
  const reply = await call(command, params);
  expect(reply, `${command} ${JSON.stringify(reply).slice(0, 300)}`).toMatchObject({
    success: true,
  });
  return reply;
}

/** Decodes an image reply and returns the RGB of one pixel. */
async function pixel(reply: Record<string, unknown>, px: number, py: number) {
  const { data, info } = await sharp(Buffer.from(reply.image_data as string, 'base64'))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const i = (py * info.width + px) * 3;
  return { rgb: [data[i], data[i + 1], data[i + 2]], width: info.width, height: info.height };
}

describe('screen', () => {
  it('get_screen_size reports the display size, and its monitors as xrandr lists them', async () => {
    // " 0: +screen 1280/339x800/212+0+0  screen"
    const listed = x(ctx.display, 'xrandr', ['--listmonitors']);
    const [, name, width, height, left, top] =
      /^\s*0: \+\*?(\S+) (\d+)\/\d+x(\d+)\/\d+\+(\d+)\+(\d+)/m.exec(listed)!;
    expect(await ok('get_screen_size')).toEqual({
      success: true,
      size: { width: 1280, height: 800 },
      monitors: [
        {
          name,
          x: Number(left),
          y: Number(top),
          width: Number(width),
          height: Number(height),
          primary: true,
        },
      ],
    });
  });

  it('screenshot shows the real screen, colours in the right order', async () => {
    x(ctx.display, 'xsetroot', ['-solid', '#3366cc']);
    const term = spawn(
      'xterm',
      ['-bg', '#ff8000', '-geometry', '20x5+300+300', '-T', 'colour-box'],
      {
        env: { ...process.env, DISPLAY: ctx.display },
        stdio: 'ignore',
      },
    );
    try {
      const box = windowGeometry(ctx.display, await findWindow(ctx.display, 'colour-box'));
      // Bottom-right inside the xterm, away from its text.
      const inside = { x: box.x + box.width - 5, y: box.y + box.height - 5 };
      const shot = await waitFor(
        async () => {
          const reply = await ok('screenshot');
          const { rgb } = await pixel(reply, inside.x, inside.y);
          return rgb[0] === 0xff ? reply : undefined;
        },
        5000,
        'the xterm to be drawn',
      );
      expect(shot).toMatchObject({ format: 'png', width: 1280, height: 800, scale: 1 });
      expect((await pixel(shot, 5, 795)).rgb).toEqual([0x33, 0x66, 0xcc]);
      expect((await pixel(shot, inside.x, inside.y)).rgb).toEqual([0xff, 0x80, 0x00]);

      const jpeg = await ok('screenshot', { format: 'JPG', quality: 80 });
      expect(jpeg.format).toBe('jpeg');
      const [r, g, b] = (await pixel(jpeg, 5, 795)).rgb as number[];
      expect(Math.abs(r! - 0x33) + Math.abs(g! - 0x66) + Math.abs(b! - 0xcc)).toBeLessThan(24);
      expect((await ok('screenshot', { format: 'webp' })).format).toBe('webp');
    } finally {
      term.kill('SIGKILL');
    }
  });

  it('region, scale and max_width shrink server-side and the coordinate helpers follow', async () => {
    const region = await ok('screenshot', { region: { x: 100, y: 50, width: 400, height: 300 } });
    expect(region).toMatchObject({ width: 400, height: 300, scale: 1 });
    expect((await ok('to_screen_coordinates', { x: 10, y: 20 })).coordinates).toEqual([110, 70]);

    const half = await ok('screenshot', { scale: 0.5 });
    expect(half).toMatchObject({ width: 640, height: 400, scale: 0.5 });
    expect((await pixel(half, 0, 0)).width).toBe(640);
    expect((await ok('to_screen_coordinates', { x: 320, y: 200 })).coordinates).toEqual([640, 400]);
    expect((await ok('to_screenshot_coordinates', { x: 640, y: 400 })).coordinates).toEqual([
      320, 200,
    ]);

    expect(await ok('screenshot', { max_width: 1000 })).toMatchObject({ width: 1000, height: 625 });
    const outside = await call('screenshot', { region: { x: 1200, y: 0, width: 200, height: 10 } });
    expect(outside).toMatchObject({ success: false, code: 'invalid_params' });
  });
});

describe('mouse', () => {
  it('move_cursor warps the pointer where it was sent', async () => {
    await ok('move_cursor', { x: 123, y: 456 });
    expect(pointerPosition(ctx.display)).toEqual({ x: 123, y: 456 });
    expect((await ok('get_cursor_position')).position).toEqual({ x: 123, y: 456 });
    await ok('move_cursor', { x: 10.6, y: 20.2 });
    expect(pointerPosition(ctx.display)).toEqual({ x: 11, y: 20 });
  });

  it('clicks arrive as real button events, where they were aimed', async () => {
    const witness = await openEventWindow(ctx.display);
    try {
      const { x: cx, y: cy } = witness.center;
      await ok('left_click', { x: cx, y: cy });
      await ok('right_click', { x: cx, y: cy });
      await ok('middle_click', { x: cx, y: cy });
      await ok('double_click', { x: cx, y: cy });
      await ok('click', { x: null, y: null });
      await waitFor(
        () => (witness.presses().length >= 6 ? true : undefined),
        5000,
        'button presses',
      );
      expect(witness.presses()).toEqual([1, 3, 2, 1, 1, 1]);
      const press = witness.events().find((e) => e.type === 'ButtonPress')!;
      expect({ x: press.rootX, y: press.rootY }).toEqual({ x: cx, y: cy });
    } finally {
      await witness.close();
    }
  });

  it('mouse_down and mouse_up press and release once', async () => {
    const witness = await openEventWindow(ctx.display);
    try {
      await ok('mouse_down', { x: witness.center.x, y: witness.center.y, button: 'right' });
      await ok('mouse_up', { button: 'right' });
      await waitFor(() =>
        witness.events().some((e) => e.type === 'ButtonRelease') ? true : undefined,
      );
      expect(
        witness
          .events()
          .filter((e) => /Button/.test(e.type))
          .map((e) => `${e.type} ${e.button}`),
      ).toEqual(['ButtonPress 3', 'ButtonRelease 3']);
    } finally {
      await witness.close();
    }
  });

  it('drag presses once, moves through the path with the button held, releases once', async () => {
    const witness = await openEventWindow(ctx.display);
    try {
      const { x: x0, y: y0 } = witness.area;
      await ok('drag', {
        path: [
          [x0 + 20, y0 + 20],
          [x0 + 150, y0 + 40],
          [x0 + 250, y0 + 150],
        ],
        duration: 0.3,
      });
      await waitFor(() =>
        witness.events().some((e) => e.type === 'ButtonRelease') ? true : undefined,
      );
      const events = witness.events();
      const buttons = events.filter((e) => /Button/.test(e.type));
      expect(buttons.map((e) => e.type)).toEqual(['ButtonPress', 'ButtonRelease']);
      expect(buttons[0]).toMatchObject({ rootX: x0 + 20, rootY: y0 + 20 });
      expect(buttons[1]).toMatchObject({ rootX: x0 + 250, rootY: y0 + 150 });
      const pressAt = events.indexOf(buttons[0]!);
      const held = events
        .slice(pressAt + 1, events.indexOf(buttons[1]!))
        .filter((e) => e.type === 'MotionNotify');
      expect(held.length).toBeGreaterThan(5);
      expect(held.every((e) => ((e.state ?? 0) & 0x100) !== 0)).toBe(true);
      expect(held.some((e) => e.rootX === x0 + 150 && e.rootY === y0 + 40)).toBe(true);
    } finally {
      await witness.close();
    }
  });

  it('drag_to moves a window by its title bar', async () => {
    const term = spawn('xterm', ['-geometry', '30x5+100+450', '-T', 'drag-me'], {
      env: { ...process.env, DISPLAY: ctx.display },
      stdio: 'ignore',
    });
    try {
      const windowId = await findWindow(ctx.display, 'drag-me');
      await sleep(200);
      const where = () => {
        const { x: wx, y: wy } = windowGeometry(ctx.display, windowId);
        return { x: wx, y: wy };
      };
      const before = where();
      // openbox's title bar is the 20 pixels above the client area.
      await ok('move_cursor', { x: before.x + 40, y: before.y - 10 });
      await ok('drag_to', { x: before.x + 240, y: before.y + 90, duration: 0.3 });
      const after = await waitFor(
        () => {
          const now = where();
          return now.x !== before.x ? now : undefined;
        },
        3000,
        'the window to move',
      );
      expect(after).toEqual({ x: before.x + 200, y: before.y + 100 });
    } finally {
      term.kill('SIGKILL');
    }
  });
});

describe('scroll', () => {
  it('scrolls by notches in each direction (one notch per click sideways)', async () => {
    const witness = await openEventWindow(ctx.display);
    try {
      await ok('move_cursor', witness.center);
      await ok('scroll_up', { clicks: 2 });
      await ok('scroll_down', { clicks: -1 });
      await ok('scroll_direction', { direction: 'LEFT', clicks: 2 });
      await ok('scroll_direction', { direction: 'right' });
      await ok('scroll', { x: 0, y: -2 });
      await waitFor(() => (witness.presses().length >= 8 ? true : undefined), 5000, 'wheel events');
      await sleep(200);
      expect(witness.presses()).toEqual([4, 4, 5, 6, 6, 7, 5, 5]);
    } finally {
      await witness.close();
    }
  });

  it('refuses a count over the stated bound at once, and other input goes on', async () => {
    const started = performance.now();
    for (const [command, params] of [
      ['scroll_down', { clicks: 1e9 }],
      ['scroll_direction', { direction: 'up', clicks: -1001 }],
      ['scroll', { x: 0, y: 2 ** 31 }],
    ] as const) {
      const reply = await call(command, params);
      expect(reply).toMatchObject({ success: false, code: 'invalid_params' });
      expect(String(reply.error)).toMatch(/1000/);
    }
    await ok('scroll', { x: 0, y: -1000 });
    await ok('move_cursor', { x: 10, y: 20 });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(pointerPosition(ctx.display)).toEqual({ x: 10, y: 20 });
  });
});

describe('coordinates far off the screen', () => {
  it('are clamped to its edge instead of wrapping around', async () => {
    await ok('move_cursor', { x: -1e9, y: 1e9 });
    expect(pointerPosition(ctx.display)).toEqual({ x: 0, y: 799 });
    await ok('left_click', { x: 70000, y: -5 });
    expect(pointerPosition(ctx.display)).toEqual({ x: 1279, y: 0 });
    await ok('drag', {
      path: [
        [-50, -50],
        [1e12, 400],
      ],
      duration: 0.05,
    });
    expect(pointerPosition(ctx.display)).toEqual({ x: 1279, y: 400 });
  });
});

describe('clipboard', () => {
  const env = () => ({ ...process.env, DISPLAY: ctx.display, LC_ALL: 'C.UTF-8' });

  it('set_clipboard is what other X apps paste', async () => {
    const text = 'héllo ✓ 世界 😀\nline 2';
    await ok('set_clipboard', { text });
    const seen = spawnSync('xclip', ['-selection', 'clipboard', '-o'], {
      env: env(),
      encoding: 'utf8',
      timeout: 5000,
    });
    expect(seen.stdout).toBe(text);
  });

  it('copy_to_clipboard reads what another app copied', async () => {
    const writer = spawn('xclip', ['-selection', 'clipboard', '-i'], {
      env: env(),
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    writer.stdin.end('from xclip: ñ 漢字');
    await new Promise((resolve) => writer.once('exit', resolve));
    expect((await ok('copy_to_clipboard')).content).toBe('from xclip: ñ 漢字');
  });
});

describe('the display going away', () => {
  it('reports display_unavailable, keeps serving, and recovers when the display returns', async () => {
    const own = await startDesktop({ windowManager: 'none' });
    const ownServer = await startServer({ display: own.display });
    const ownClient = await RawClient.open(ownServer.url);
    try {
      expect(await ownClient.request({ command: 'get_screen_size' })).toMatchObject({
        success: true,
      });
      process.kill(own.xvfbPid, 'SIGKILL');
      await own.exited;
      for (const command of [
        'screenshot',
        'get_screen_size',
        'move_cursor',
        'get_cursor_position',
        'copy_to_clipboard',
      ]) {
        const reply = await ownClient.request({ command, params: { x: 1, y: 1 } });
        expect(reply, command).toMatchObject({ success: false, code: 'display_unavailable' });
        expect(String(reply.error)).toMatch(new RegExp(own.display));
      }
      expect(await ownClient.request({ command: 'version' })).toMatchObject({ success: true });

      const back = await startDesktop({ display: own.display, windowManager: 'none' });
      try {
        expect(
          await ownClient.request({ command: 'screenshot', params: { format: 'jpeg' } }),
        ).toMatchObject({ success: true });
        await ownClient.request({ command: 'move_cursor', params: { x: 7, y: 9 } });
        expect(pointerPosition(back.display)).toEqual({ x: 7, y: 9 });
      } finally {
        await back.stop();
      }
    } finally {
      await ownClient.close();
      await ownServer.close();
      await own.stop();
    }
  }, 60_000);
});
