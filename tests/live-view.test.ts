// The live view: frames arrive when the screen changes and not when it does not, a viewer that
// does not read stays bounded, and takeover pauses every other connection's input.
import { once } from 'node:events';
import { decodeBinaryReply } from '@cua/computer-protocol';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { pointerPosition, sleep, waitFor, x } from './helpers/desktop.js';
import { useDesktopServer } from './helpers/desktop-server.js';
import { RawClient } from './helpers/server.js';

const ctx = useDesktopServer({ desktop: { windowManager: 'none', width: 640, height: 400 } });

interface Frame {
  seq: number;
  width: number;
  height: number;
  bytes: Uint8Array;
}

/** A viewer: a raw socket that subscribes with `binary: true` and keeps every frame. */
async function viewer(params: Record<string, unknown> = {}) {
  const ws = new WebSocket(ctx.server.url, { perMessageDeflate: false });
  await once(ws, 'open');
  const frames: Frame[] = [];
  const replies: Record<string, unknown>[] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary) {
      replies.push(JSON.parse(data.toString()) as Record<string, unknown>);
      return;
    }
    const decoded = decodeBinaryReply(new Uint8Array(data))!;
    const event = decoded.reply as { seq: number; width: number; height: number };
    frames.push({ ...event, bytes: decoded.fields.get('image_data')! });
  });
  ws.send(JSON.stringify({ id: 'live', command: 'subscribe_frames', params, binary: true }));
  return {
    ws,
    frames,
    replies,
    async stop() {
      ws.send(JSON.stringify({ id: 'stop', command: 'unsubscribe_frames' }));
      await waitFor(() => (replies.some((r) => r.id === 'live') ? true : undefined), 5000);
      return replies.find((r) => r.id === 'live')!;
    },
  };
}

async function pixel(bytes: Uint8Array, px: number, py: number): Promise<number[]> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  const i = (py * info.width + px) * info.channels;
  return [data[i]!, data[i + 1]!, data[i + 2]!];
}

beforeAll(() => x(ctx.display, 'xsetroot', ['-solid', '#102030']));

describe('subscribe_frames', () => {
  it('sends a frame when the screen changes, showing the change, and none while it is still', async () => {
    const view = await viewer({ format: 'png', fps: 20 });
    try {
      await waitFor(() => (view.frames.length >= 1 ? true : undefined), 5000, 'the first frame');
      await sleep(400);
      const settled = view.frames.length;
      await sleep(800);
      // Still screen, pointer motion included (the cursor is not screen content).
      x(ctx.display, 'xdotool', ['mousemove', '50', '60']);
      await sleep(300);
      expect(view.frames.length).toBe(settled);

      x(ctx.display, 'xsetroot', ['-solid', '#e0a010']);
      const frame = await waitFor(
        () => view.frames.slice(settled).at(-1),
        5000,
        'a frame after the change',
      );
      expect([frame.width, frame.height]).toEqual([640, 400]);
      expect(await pixel(frame.bytes, 10, 10)).toEqual([0xe0, 0xa0, 0x10]);
      const seqs = view.frames.map((f) => f.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

      const reply = await view.stop();
      expect(reply).toMatchObject({ success: true, id: 'live', frames: view.frames.length });
    } finally {
      view.ws.close();
    }
  });

  it('caps the rate at fps, and scales to max_width', async () => {
    const view = await viewer({ format: 'jpeg', fps: 5, max_width: 320 });
    try {
      const started = Date.now();
      // Continuous change: a new colour every 20 ms for 1.2 s.
      for (let i = 0; Date.now() - started < 1200; i++) {
        x(ctx.display, 'xsetroot', ['-solid', i % 2 ? '#ff0000' : '#0000ff']);
        await sleep(20);
      }
      await sleep(300);
      expect(view.frames.length).toBeGreaterThanOrEqual(3);
      expect(view.frames.length).toBeLessThanOrEqual(9);
      expect(view.frames[0]).toMatchObject({ width: 320, height: 200 });
    } finally {
      await view.stop();
      view.ws.close();
    }
  });

  it('needs a request id on /ws', async () => {
    const client = await RawClient.open(ctx.server.url);
    try {
      const reply = await client.request({ command: 'subscribe_frames', params: {} });
      expect(reply).toMatchObject({ success: false, code: 'invalid_request' });
    } finally {
      await client.close();
    }
  });

  it('a viewer that stops reading holds up nobody else', async () => {
    const ws = new WebSocket(ctx.server.url, { perMessageDeflate: false });
    await once(ws, 'open');
    ws.send(
      JSON.stringify({
        id: 'slow',
        command: 'subscribe_frames',
        params: { format: 'png', fps: 60 },
        binary: true,
      }),
    );
    await sleep(200);
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    for (let i = 0; i < 30; i++) {
      x(ctx.display, 'xsetroot', [
        '-solid',
        `#${((i * 7919) & 0xffffff).toString(16).padStart(6, '0')}`,
      ]);
      await sleep(20);
    }
    // One frame in flight per stream (frame-stream.test.ts): the others are served at once.
    const client = await RawClient.open(ctx.server.url);
    const started = Date.now();
    expect(
      await client.request({ command: 'screenshot', params: { format: 'jpeg' } }),
    ).toMatchObject({
      success: true,
    });
    expect(Date.now() - started).toBeLessThan(2000);
    await client.close();
    ws.terminate();
  });
});

describe('take_control', () => {
  it("pauses other connections' input until it is released or its connection closes", async () => {
    const person = await RawClient.open(ctx.server.url);
    const agent = await RawClient.open(ctx.server.url);
    try {
      expect(await person.request({ command: 'take_control' })).toMatchObject({ success: true });
      const refused = await agent.request({ command: 'move_cursor', params: { x: 200, y: 150 } });
      expect(refused).toMatchObject({ success: false, code: 'paused' });
      // Reads are not input: the agent can still look.
      expect(await agent.request({ command: 'get_screen_size' })).toMatchObject({ success: true });
      // The person's own input goes through.
      expect(
        await person.request({ command: 'move_cursor', params: { x: 30, y: 40 } }),
      ).toMatchObject({
        success: true,
      });
      expect(pointerPosition(ctx.display)).toEqual({ x: 30, y: 40 });
      expect(await person.request({ command: 'release_control' })).toMatchObject({ success: true });
      expect(
        await agent.request({ command: 'move_cursor', params: { x: 200, y: 150 } }),
      ).toMatchObject({
        success: true,
      });
      expect(pointerPosition(ctx.display)).toEqual({ x: 200, y: 150 });

      await person.request({ command: 'take_control' });
      await person.close();
      await waitFor(
        async () => {
          const reply = await agent.request({ command: 'move_cursor', params: { x: 7, y: 8 } });
          return reply.success === true ? true : undefined;
        },
        5000,
        'input back after the person left',
      );
    } finally {
      await agent.close();
    }
  });
});
