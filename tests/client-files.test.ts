import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHUNK_BYTES, Computer, ComputerError, TimeoutError } from '@cua/computer-client';
import { createHandlers, type HandlerTable, type RunningServer } from '@cua/computer-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sleep, startServer } from './helpers/server.js';

const MiB = 1024 * 1024;
let dir: string;
let server: RunningServer;
let computer: Computer;
/** Every file command the server ran, with its params (content left out). */
const calls: [string, Record<string, unknown>][] = [];

/** The real file handlers, each recording its call first. */
function recordingHandlers(): HandlerTable {
  const real = createHandlers();
  const wrap = <N extends 'read_bytes' | 'write_bytes' | 'get_file_size'>(
    name: N,
  ): HandlerTable[N] =>
    ((params: Record<string, unknown>, ctx: unknown) => {
      const { content_b64: content, ...rest } = params;
      const size =
        content === undefined ? {} : { bytes: Buffer.from(String(content), 'base64').length };
      calls.push([name, { ...rest, ...size }]);
      return (real[name] as (p: unknown, c: unknown) => unknown)(params, ctx);
    }) as unknown as HandlerTable[N];
  return {
    ...real,
    read_bytes: wrap('read_bytes'),
    write_bytes: wrap('write_bytes'),
    get_file_size: wrap('get_file_size'),
  };
}

function pattern(length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cua-client-files-'));
  server = await startServer({ handlers: recordingHandlers() });
  computer = new Computer({ url: server.url });
});
afterAll(async () => {
  await computer.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  calls.length = 0;
});

describe('large files move in 1 MiB chunks above 5 MiB', () => {
  it('writeBytes: the first chunk replaces, the rest append; the file is exact', async () => {
    const path = join(dir, 'big.bin');
    await writeFile(path, 'old content that must go');
    const data = pattern(6 * MiB + 5);
    await computer.writeBytes(path, data);
    expect(calls).toEqual([
      ...Array.from({ length: 6 }, (_, i) => ['write_bytes', { path, append: i > 0, bytes: MiB }]),
      ['write_bytes', { path, append: true, bytes: 5 }],
    ]);
    expect(Buffer.compare(await readFile(path), Buffer.from(data))).toBe(0);
  });

  it('readBytes: size first, then chunks with offset and length', async () => {
    const path = join(dir, 'big-read.bin');
    const data = pattern(5 * MiB + 1, 7);
    await writeFile(path, data);
    const back = await computer.readBytes(path);
    expect(Buffer.compare(Buffer.from(back), Buffer.from(data))).toBe(0);
    expect(calls).toEqual([
      ['get_file_size', { path }],
      ...Array.from({ length: 5 }, (_, i) => [
        'read_bytes',
        { path, offset: i * MiB, length: MiB },
      ]),
      ['read_bytes', { path, offset: 5 * MiB, length: 1 }],
    ]);
  });

  it('readBytes with offset and length: one request when small, chunks when large', async () => {
    const path = join(dir, 'range.bin');
    const data = pattern(7 * MiB, 3);
    await writeFile(path, data);
    const small = await computer.readBytes(path, { offset: 10, length: 100 });
    expect(Buffer.from(small).equals(Buffer.from(data.subarray(10, 110)))).toBe(true);
    expect(calls).toEqual([['read_bytes', { path, offset: 10, length: 100 }]]);

    calls.length = 0;
    const large = await computer.readBytes(path, { offset: MiB + 1, length: 5 * MiB + 2 });
    expect(Buffer.from(large).equals(Buffer.from(data.subarray(MiB + 1, 6 * MiB + 3)))).toBe(true);
    expect(calls.map(([, params]) => [params.offset, params.length])).toEqual([
      ...Array.from({ length: 5 }, (_, i) => [MiB + 1 + i * CHUNK_BYTES, MiB]),
      [6 * MiB + 1, 2],
    ]);

    calls.length = 0;
    const tail = await computer.readBytes(path, { offset: 7 * MiB - 3 });
    expect([...tail]).toEqual([...data.subarray(7 * MiB - 3)]);
  });

  it('appends in chunks too when asked to', async () => {
    const path = join(dir, 'append.bin');
    await writeFile(path, 'head');
    const data = pattern(5 * MiB + 10, 9);
    await computer.writeBytes(path, data, { append: true });
    expect(calls.every(([, params]) => params.append === true)).toBe(true);
    const disk = await readFile(path);
    expect(disk.subarray(0, 4).toString()).toBe('head');
    expect(Buffer.compare(disk.subarray(4), Buffer.from(data))).toBe(0);
  });

  it('timeoutMs bounds the whole transfer, not each chunk', async () => {
    const path = join(dir, 'slow.bin');
    const error = await computer
      .writeBytes(path, pattern(20 * MiB), { timeoutMs: 30 })
      .catch((e: unknown) => e);
    expect(TimeoutError.isInstance(error)).toBe(true);
    // The chunk in flight at the deadline still lands on the server; no later one is sent.
    await sleep(200);
    expect(calls.length).toBeLessThan(20);
  });
});

describe('text and the other file commands', () => {
  it('writeText/readText: exact UTF-8 through the byte commands (BOM, CRLF kept)', async () => {
    const path = join(dir, 'text.txt');
    const text = '\ufeffhéllo ✓ 世界 🙂\r\nline 2\n';
    await computer.writeText(path, text);
    expect(await readFile(path, 'utf8')).toBe(text);
    expect(await computer.readText(path)).toBe(text);
    expect(calls.map(([name]) => name)).toEqual(['write_bytes', 'get_file_size', 'read_bytes']);
    await computer.writeText(path, 'more', { append: true });
    expect(await readFile(path, 'utf8')).toBe(`${text}more`);
  });

  it('large text with multi-byte characters across chunk boundaries survives', async () => {
    const path = join(dir, 'big.txt');
    const text = 'aé世🙂'.repeat(600_000);
    await computer.writeText(path, text);
    expect(calls.length).toBeGreaterThan(5);
    expect(await computer.readText(path)).toBe(text);
  });

  it('exists, list, size, create and delete', async () => {
    const sub = join(dir, 'sub', 'deeper');
    await computer.createDir(sub);
    expect(await computer.directoryExists(sub)).toBe(true);
    expect(await computer.fileExists(sub)).toBe(false);
    await computer.writeBytes(join(sub, 'f.bin'), new Uint8Array([1, 2, 3]));
    expect(await computer.fileExists(join(sub, 'f.bin'))).toBe(true);
    expect(await computer.getFileSize(join(sub, 'f.bin'))).toBe(3);
    expect(await computer.listDir(sub)).toEqual(['f.bin']);
    expect([...(await computer.readBytes(join(sub, 'f.bin')))]).toEqual([1, 2, 3]);
    await computer.writeBytes(join(sub, 'empty'), new Uint8Array());
    expect((await stat(join(sub, 'empty'))).size).toBe(0);
    expect(await computer.readBytes(join(sub, 'empty'))).toEqual(new Uint8Array());
    await computer.deleteFile(join(sub, 'f.bin'));
    await computer.deleteFile(join(sub, 'empty'));
    await computer.deleteDir(sub);
    expect(await computer.directoryExists(sub)).toBe(false);
  });

  it('a missing file is a ComputerError with code not_found', async () => {
    const error = await computer.readBytes(join(dir, 'nope')).catch((e: unknown) => e);
    expect(ComputerError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'not_found', command: 'get_file_size' });
  });
});
