// Screen recordings: an MP4 that ffprobe reads at the right size and duration, whose frames show
// what happened on the screen at that time (checked by decoding frames with ffmpeg, not by our
// code), that survives the display going away, and that is finished on shutdown.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sleep, startDesktop, x, type VirtualDisplay } from './helpers/desktop.js';
import { useDesktopServer } from './helpers/desktop-server.js';
import { useTempDir } from './helpers/temp-dir.js';
import { RawClient, startServer } from './helpers/server.js';

const tmp = useTempDir('cua-rec-');
const ctx = useDesktopServer({
  desktop: { windowManager: 'none', width: 640, height: 400 },
  client: 'raw',
});

function probe(path: string): { width: number; height: number; duration: number; codec: string } {
  const run = spawnSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=width,height,codec_name:format=duration',
      '-of',
      'json',
      path,
    ],
    { encoding: 'utf8' },
  );
  const info = JSON.parse(run.stdout) as {
    streams: { width: number; height: number; codec_name: string }[];
    format: { duration: string };
  };
  const stream = info.streams[0]!;
  return {
    width: stream.width,
    height: stream.height,
    duration: Number(info.format.duration),
    codec: stream.codec_name,
  };
}

/** The RGB pixels of a square of the video at `seconds`, decoded by ffmpeg. */
function videoPixels(path: string, seconds: number, px: number, py: number, size = 1): number[][] {
  const run = spawnSync(
    'ffmpeg',
    [
      ['-v', 'error', '-ss', String(seconds), '-i', path, '-frames:v', '1'],
      ['-vf', `format=rgb24,crop=${size}:${size}:${px}:${py}`],
      ['-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    ].flat(),
    { maxBuffer: 1024 * 1024 },
  );
  if (run.stdout.length !== size * size * 3) {
    throw new Error(`ffmpeg gave no pixels: ${run.stderr.toString()}`);
  }
  return Array.from({ length: size * size }, (_, i) => [...run.stdout.subarray(i * 3, i * 3 + 3)]);
}

const videoPixel = (path: string, seconds: number, px: number, py: number) =>
  videoPixels(path, seconds, px, py)[0]!;

const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]!) <= 24);

async function ok(command: string, params: Record<string, unknown> = {}) {
  const reply = await ctx.client.request({ command, params });
  expect(reply, `${command}: ${JSON.stringify(reply).slice(0, 300)}`).toMatchObject({
    success: true,
  });
  return reply;
}

describe('start_recording / stop_recording', () => {
  it('records an MP4 of the screen whose frames show each change when it happened', async () => {
    x(ctx.display, 'xsetroot', ['-solid', '#c81e1e']);
    const path = join(tmp.path, 'colours.mp4');
    const started = await ok('start_recording', { path, fps: 10, scale: 0.5 });
    expect(started).toMatchObject({ path, width: 320, height: 200, fps: 10 });
    await sleep(1000);
    x(ctx.display, 'xsetroot', ['-solid', '#1e3cc8']);
    await sleep(1000);
    const summary = await ok('stop_recording');
    expect(summary).toMatchObject({ path, width: 320, height: 200, fps: 10, reason: 'stopped' });
    // Every slot of the 2 s is a frame, even where ffmpeg was behind (then it holds the frame
    // before it): the video keeps the wall-clock time.
    const frames = summary.frames as number;
    expect(frames).toBeGreaterThanOrEqual(20);
    expect(frames).toBeLessThanOrEqual(26);

    const info = probe(path);
    expect(info).toMatchObject({ codec: 'h264', width: 320, height: 200 });
    expect(info.duration).toBeLessThan(2.6);
    expect(Math.abs(info.duration - frames / 10)).toBeLessThanOrEqual(0.2);
    expect(near(videoPixel(path, 0, 20, 20), [0xc8, 0x1e, 0x1e])).toBe(true);
    expect(near(videoPixel(path, 0.3, 20, 20), [0xc8, 0x1e, 0x1e])).toBe(true);
    expect(near(videoPixel(path, info.duration - 0.2, 20, 20), [0x1e, 0x3c, 0xc8])).toBe(true);
  });

  it('keeps the wall-clock time when ffmpeg starts late: the slots it missed hold the frame before them', async () => {
    // A stand-in ffmpeg on PATH that starts the real one 0.8 s late, as on a loaded machine.
    const bin = join(tmp.path, 'slow-bin');
    mkdirSync(bin);
    const real = spawnSync('sh', ['-c', 'command -v ffmpeg'], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(join(bin, 'ffmpeg'), `#!/bin/sh\nsleep 0.8\nexec ${real} "$@"\n`, {
      mode: 0o755,
    });
    x(ctx.display, 'xsetroot', ['-solid', '#c81e1e']);
    const path = join(tmp.path, 'late.mp4');
    const saved = process.env.PATH;
    process.env.PATH = `${bin}:${saved}`;
    try {
      await ok('start_recording', { path, fps: 10, scale: 0.5 });
    } finally {
      process.env.PATH = saved;
    }
    await sleep(1500);
    x(ctx.display, 'xsetroot', ['-solid', '#1e3cc8']);
    await sleep(500);
    const summary = await ok('stop_recording');
    expect(summary.late_frames as number).toBeGreaterThan(0);
    const info = probe(path);
    expect(info.duration).toBeGreaterThanOrEqual(1.9);
    expect(Math.abs(info.duration - (summary.frames as number) / 10)).toBeLessThanOrEqual(0.2);
    // The late slots are at the start and hold its red; the change shows after 1.5 s.
    expect(near(videoPixel(path, 0.5, 20, 20), [0xc8, 0x1e, 0x1e])).toBe(true);
    expect(near(videoPixel(path, 1.2, 20, 20), [0xc8, 0x1e, 0x1e])).toBe(true);
    expect(near(videoPixel(path, info.duration - 0.2, 20, 20), [0x1e, 0x3c, 0xc8])).toBe(true);
  });

  it('draws the pointer into the frames unless asked not to', async () => {
    x(ctx.display, 'xsetroot', ['-solid', '#ffffff']);
    await ok('move_cursor', { x: 100, y: 100 });
    const withCursor = join(tmp.path, 'cursor.mp4');
    await ok('start_recording', { path: withCursor, fps: 10 });
    await sleep(600);
    await ok('stop_recording');
    const without = join(tmp.path, 'no-cursor.mp4');
    await ok('start_recording', { path: without, fps: 10, with_cursor: false });
    await sleep(600);
    await ok('stop_recording');
    // X's default pointer is drawn around its hot spot: near (100, 100) some pixels are dark.
    const dark = (path: string) =>
      videoPixels(path, 0.3, 92, 92, 16).filter((rgb) => rgb.every((v) => v < 128)).length;
    expect(dark(withCursor)).toBeGreaterThan(0);
    expect(dark(without)).toBe(0);
  });

  it('refuses a second recording and says clearly when none runs', async () => {
    await ok('start_recording', { path: join(tmp.path, 'one.mp4') });
    const second = await ctx.client.request({ command: 'start_recording', params: {} });
    expect(second).toMatchObject({ success: false, code: 'command_failed' });
    expect(String(second.error)).toMatch(/already running/);
    await ok('stop_recording');
    expect(await ctx.client.request({ command: 'stop_recording', params: {} })).toMatchObject({
      success: false,
      code: 'not_found',
    });
    const bad = await ctx.client.request({ command: 'start_recording', params: { fps: 120 } });
    expect(bad).toMatchObject({ success: false, code: 'invalid_params' });
  });

  it('stops by itself at max_duration_s, and the next stop_recording reports it', async () => {
    const path = join(tmp.path, 'short.mp4');
    await ok('start_recording', { path, fps: 10, max_duration_s: 0.5 });
    await sleep(1200);
    const summary = await ok('stop_recording');
    expect(summary).toMatchObject({ path, reason: 'max_duration' });
    expect(probe(path).duration).toBeLessThan(1);
  });

  it('keeps recording while the display is gone: a frozen gap, then a valid file', async () => {
    const own = await startDesktop({ windowManager: 'none', width: 320, height: 240 });
    const local = await startServer({ display: own.display });
    const raw = await RawClient.open(local.url);
    let display: VirtualDisplay | undefined = own;
    try {
      const path = join(tmp.path, 'gap.mp4');
      x(own.display, 'xsetroot', ['-solid', '#20a040']);
      expect(
        await raw.request({ command: 'start_recording', params: { path, fps: 10 } }),
      ).toMatchObject({
        success: true,
      });
      await sleep(500);
      await own.stop();
      display = undefined;
      await sleep(700);
      const summary = await raw.request({ command: 'stop_recording', params: {} });
      expect(summary).toMatchObject({ success: true, path });
      expect(summary.repeated_frames as number).toBeGreaterThan(0);
      const info = probe(path);
      expect(info.duration).toBeGreaterThan(0.9);
      expect(near(videoPixel(path, info.duration - 0.15, 10, 10), [0x20, 0xa0, 0x40])).toBe(true);
    } finally {
      await raw.close();
      await local.close();
      await display?.stop();
    }
  }, 30_000);

  it('is finished on shutdown: the file plays', async () => {
    const own = await startServer({ display: ctx.display });
    const raw = await RawClient.open(own.url);
    const path = join(tmp.path, 'shutdown.mp4');
    await raw.request({ command: 'start_recording', params: { path, fps: 10 } });
    await sleep(600);
    await own.close();
    expect(existsSync(path)).toBe(true);
    const info = probe(path);
    expect(info.codec).toBe('h264');
    expect(info.duration).toBeGreaterThan(0.3);
  });
});
