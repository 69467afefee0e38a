import { Computer, ComputerError, TimeoutError, type StateChange } from '@cua/computer-client';
import { afterEach, describe, expect, it } from 'vitest';
import { sleep } from './helpers/server.js';
import { startUpstreamServer, type UpstreamServer } from './helpers/upstream-server.js';

const MiB = 1024 * 1024;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function upstream(
  options?: Parameters<typeof startUpstreamServer>[0],
): Promise<UpstreamServer> {
  const server = await startUpstreamServer(options);
  cleanups.push(() => server.close());
  return server;
}

function computerFor(
  url: string,
  options: ConstructorParameters<typeof Computer>[0] = {},
): Computer {
  const computer = new Computer({
    url,
    reconnect: { initialDelayMs: 10, maxDelayMs: 50 },
    ...options,
  });
  cleanups.push(() => computer.close());
  return computer;
}

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

/** The command of every frame received, handshakes included. */
const commandsSent = (server: UpstreamServer) => server.frames.map((frame) => frame.command);

describe('against an upstream-like server (no request ids, strictly in order)', () => {
  it('sends one request at a time, never an id, and matches each reply to its call', async () => {
    const server = await upstream({
      handlers: {
        get_screen_size: async () => {
          await sleep(80);
          return { success: true, size: { width: 1024, height: 768 } };
        },
      },
    });
    const computer = computerFor(server.url);
    const [size, position, version, clipboard, size2] = await Promise.all([
      computer.getScreenSize(),
      computer.getCursorPosition(),
      computer.version(),
      computer.getClipboard(),
      computer.getScreenSize(),
    ]);
    expect(size).toEqual({ width: 1024, height: 768 });
    expect(position).toEqual({ x: 10, y: 20 });
    expect(version).toEqual({ protocol: 1, package: '0.3.42' });
    expect(clipboard).toBe('clip');
    expect(size2).toEqual(size);
    expect(computer.features).toEqual([]);
    expect(server.maxOutstanding).toBe(1);
    expect(server.frames.every((frame) => !('id' in frame))).toBe(true);
    expect(commandsSent(server)).toEqual([
      'version',
      'get_screen_size',
      'get_cursor_position',
      'version',
      'copy_to_clipboard',
      'get_screen_size',
    ]);
  });

  it('reads upstream shapes: screenshot, run_command output, its timeout failure', async () => {
    const server = await upstream();
    const computer = computerFor(server.url);
    const shot = await computer.screenshot();
    expect(shot.format).toBe('png');
    expect([...shot.data]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(shot.width).toBeUndefined();

    expect(await computer.runCommand('false')).toEqual({
      stdout: 'ran false\n',
      stderr: '',
      returnCode: 3,
    });
    // Upstream's timeout failure carries no `error`: the message comes from stderr.
    const error = await computer.runCommand('sleep 9', { timeout: 0.05 }).catch((e: unknown) => e);
    expect(ComputerError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      command: 'run_command',
      code: 'command_failed',
      message: 'Command timed out after 0.05s',
      reply: { success: false, stdout: '', return_code: -1 },
    });
  });

  it('splits a hotkey combo first: upstream would type it character by character', async () => {
    const server = await upstream({ handlers: { hotkey: () => ({ success: true }) } });
    const computer = computerFor(server.url);
    await computer.hotkey('ctrl+c');
    await computer.hotkey('ctrl', 'shift', 't');
    expect(server.frames.filter((f) => f.command === 'hotkey').map((f) => f.params)).toEqual([
      { keys: ['ctrl', 'c'] },
      { keys: ['ctrl', 'shift', 't'] },
    ]);
  });

  it('a command upstream lacks fails with its message', async () => {
    const server = await upstream();
    const computer = computerFor(server.url);
    await expect(computer.middleClick()).rejects.toMatchObject({
      code: 'command_failed',
      message: 'Unknown command: middle_click',
    });
    // The connection goes on.
    expect(await computer.getCursorPosition()).toEqual({ x: 10, y: 20 });
  });

  it('a timed-out call resets the socket: its late reply is never taken for the next', async () => {
    const server = await upstream({
      handlers: {
        get_screen_size: async () => {
          await sleep(300);
          return { success: true, size: { width: 1, height: 1 } };
        },
      },
    });
    const computer = computerFor(server.url);
    await computer.connect();
    const slow = computer.getScreenSize({ timeoutMs: 50 }).catch((e: unknown) => e);
    const queued = computer.getCursorPosition();
    expect(TimeoutError.isInstance(await slow)).toBe(true);
    // Sent on a new socket after the reset: its own reply, not the stale screen size.
    expect(await queued).toEqual({ x: 10, y: 20 });
    expect(await computer.getClipboard()).toBe('clip');
    expect(commandsSent(server).filter((c) => c === 'version')).toHaveLength(2);
  });

  it('a call queued behind another waits its turn; timing out there sends nothing', async () => {
    const server = await upstream({
      handlers: {
        get_screen_size: async () => {
          await sleep(150);
          return { success: true, size: { width: 1, height: 1 } };
        },
      },
    });
    const computer = computerFor(server.url);
    await computer.connect();
    const slow = computer.getScreenSize();
    const behind = computer.leftClick(1, 2, { timeoutMs: 30 }).catch((e: unknown) => e);
    const error = await behind;
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/not sent/);
    await slow;
    await sleep(20);
    expect(commandsSent(server)).not.toContain('left_click');
  });

  it('chunks reads and writes above 5 MiB in 1 MiB pieces, in order, one at a time', async () => {
    const server = await upstream();
    const computer = computerFor(server.url);
    const data = new Uint8Array(5 * MiB + 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + 7) & 255;
    await computer.writeBytes('/big.bin', data);
    const writes = server.frames.filter((f) => f.command === 'write_bytes');
    expect(writes.map((f) => (f.params as { append: boolean }).append)).toEqual([
      false,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(
      writes.map(
        (f) => Buffer.from((f.params as { content_b64: string }).content_b64, 'base64').length,
      ),
    ).toEqual([MiB, MiB, MiB, MiB, MiB, 3]);

    const back = await computer.readBytes('/big.bin');
    expect(Buffer.from(back).equals(Buffer.from(data))).toBe(true);
    const reads = server.frames.filter(
      (f) => f.command === 'read_bytes' || f.command === 'get_file_size',
    );
    expect(reads.map((f) => [f.command, f.params])).toEqual([
      ['get_file_size', { path: '/big.bin' }],
      ...[0, 1, 2, 3, 4, 5].map((i) => [
        'read_bytes',
        { path: '/big.bin', offset: i * MiB, length: i === 5 ? 3 : MiB },
      ]),
    ]);
    expect(server.maxOutstanding).toBe(1);
  });

  it('reads and writes small text in one request each, as upstream clients do', async () => {
    const server = await upstream();
    const computer = computerFor(server.url);
    await computer.writeText('/t.txt', 'héllo ✓\r\n');
    expect(await computer.readText('/t.txt')).toBe('héllo ✓\r\n');
    expect(server.frames.slice(1).map((f) => [f.command, f.params])).toEqual([
      [
        'write_bytes',
        {
          path: '/t.txt',
          content_b64: Buffer.from('héllo ✓\r\n').toString('base64'),
          append: false,
        },
      ],
      ['get_file_size', { path: '/t.txt' }],
      ['read_bytes', { path: '/t.txt', offset: 0 }],
    ]);
  });

  it('authenticates first, and again after the server drops the connection', async () => {
    const server = await upstream({ auth: { containerName: 'vm1', apiKey: 'sk' } });
    const states: StateChange['state'][] = [];
    const computer = computerFor(server.url, {
      containerName: 'vm1',
      apiKey: 'sk',
      onStateChange: (change) => states.push(change.state),
    });
    expect(await computer.getCursorPosition()).toEqual({ x: 10, y: 20 });
    server.dropClients();
    // A call made before the client sees the drop would go out on the dying socket and fail.
    await waitFor(() => states.includes('reconnecting'));
    expect(await computer.getCursorPosition()).toEqual({ x: 10, y: 20 });
    expect(commandsSent(server)).toEqual([
      'authenticate',
      'version',
      'get_cursor_position',
      'authenticate',
      'version',
      'get_cursor_position',
    ]);
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
  });
});
