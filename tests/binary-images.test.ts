// The `binary-images` extension: image bytes in one binary frame for a request that asks, and
// never for one that does not. Checked on the wire with a raw socket, and through our client.
import { once } from 'node:events';
import { decodeBinaryReply } from '@cua/computer-protocol';
import { Computer } from '@cua/computer-client';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { x } from './helpers/desktop.js';
import { useDesktopServer } from './helpers/desktop-server.js';

const ctx = useDesktopServer({ desktop: { windowManager: 'none' } });
let socket: WebSocket;

/** Sends one frame and resolves with the next one, telling text from binary. */
function exchange(frame: object): Promise<{ binary: boolean; data: Buffer }> {
  return new Promise((resolve) => {
    socket.once('message', (data: Buffer, isBinary: boolean) =>
      resolve({ binary: isBinary, data }),
    );
    socket.send(JSON.stringify(frame));
  });
}

beforeAll(async () => {
  // A still screen, so two screenshots encode to the same bytes.
  x(ctx.display, 'xsetroot', ['-solid', '#2a6041']);
  socket = new WebSocket(ctx.server.url, { perMessageDeflate: false });
  await once(socket, 'open');
});
afterAll(() => socket?.close());

describe('binary image replies', () => {
  it('are announced in version.features', async () => {
    const { data } = await exchange({ command: 'version' });
    expect((JSON.parse(data.toString()) as { features: string[] }).features).toContain(
      'binary-images',
    );
  });

  it('carry the same image bytes as base64 would, in one binary frame', async () => {
    const raw = await exchange({ id: 7, command: 'screenshot', params: {}, binary: true });
    expect(raw.binary).toBe(true);
    const decoded = decodeBinaryReply(new Uint8Array(raw.data))!;
    expect(decoded.reply).toEqual({
      success: true,
      id: 7,
      image_data: '',
      format: 'png',
      width: 1280,
      height: 800,
      scale: 1,
    });
    const bytes = decoded.fields.get('image_data')!;
    const text = await exchange({ id: 8, command: 'screenshot', params: {} });
    expect(text.binary).toBe(false);
    const viaJson = Buffer.from(
      (JSON.parse(text.data.toString()) as { image_data: string }).image_data,
      'base64',
    );
    expect(Buffer.from(bytes).equals(viaJson)).toBe(true);
    const { data } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
    expect([...data.subarray(0, 3)]).toEqual([0x2a, 0x60, 0x41]);
    // A third fewer bytes on the wire than the text reply.
    expect(raw.data.length).toBeLessThan(text.data.length * 0.8);
  });

  it('are sent only to requests that ask, and only for replies with an image', async () => {
    const plain = await exchange({ command: 'screenshot', params: { format: 'jpeg' } });
    expect(plain.binary).toBe(false);
    const noImage = await exchange({ id: 9, command: 'get_screen_size', binary: true });
    expect(noImage.binary).toBe(false);
    expect(JSON.parse(noImage.data.toString())).toMatchObject({ success: true, id: 9 });
    const failed = await exchange({
      id: 10,
      command: 'screenshot',
      params: { region: { x: 0, y: 0, width: 5000, height: 10 } },
      binary: true,
    });
    expect(failed.binary).toBe(false);
    expect(JSON.parse(failed.data.toString())).toMatchObject({ success: false, id: 10 });
  });

  it('are what our client asks for, and it returns the same bytes', async () => {
    const frames: boolean[] = [];
    const computer = new Computer({
      url: ctx.server.url,
      createWebSocket: (url) => {
        const ws = new WebSocket(url, { perMessageDeflate: false });
        ws.on('message', (_data, isBinary) => frames.push(isBinary));
        return ws;
      },
    });
    try {
      const shot = await computer.screenshot();
      expect(frames.at(-1)).toBe(true);
      const reference = await exchange({ command: 'screenshot', params: {} });
      const viaJson = Buffer.from(
        (JSON.parse(reference.data.toString()) as { image_data: string }).image_data,
        'base64',
      );
      expect(Buffer.from(shot.data).equals(viaJson)).toBe(true);
      expect(shot).toMatchObject({ format: 'png', width: 1280, height: 800 });
    } finally {
      await computer.close();
    }
  });
});
