import { open, type FileHandle } from 'node:fs/promises';
import { CommandError } from '../core/command-error.js';
import { describeBytes } from '../core/limits.js';
import { OPEN_READ_FLAGS, refuseStreamFile } from './special-file.js';

/** Reads are issued in pieces of at most this, with a look at the abort signal between them. */
const READ_CHUNK_BYTES = 1024 * 1024;

export interface BoundedReadOptions {
  /** Byte offset to start from. */
  start: number;
  /** Bytes wanted; undefined means to EOF. */
  length: number | undefined;
  /** The most one reply may carry; more is refused with the sizes and the way around it. */
  maxBytes: number;
  /** The command's: a timeout or a vanished client stops the read between chunks. */
  signal: AbortSignal;
  /** Called with the bytes about to be read, before they are allocated. */
  reserve?: ((bytes: number) => Promise<void>) | undefined;
  /** For the error texts: `read_bytes` or `read_text`. */
  command: string;
}

/**
 * Reads a range of a file without ever holding more than `maxBytes + 1` of it. A regular file's
 * size is known up front, so an oversized request fails before reading anything; for files
 * whose size says nothing (/proc, devices such as /dev/zero) reading stops one byte past the
 * limit. EOF is where reading stops, not the stat size, so /proc files (size 0) still read.
 */
export async function readBounded(file: string, options: BoundedReadOptions): Promise<Buffer> {
  options.signal.throwIfAborted();
  const handle = await open(file, OPEN_READ_FLAGS);
  try {
    const stats = await handle.stat();
    refuseStreamFile(stats, file);
    if (stats.isDirectory()) {
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    const { start, length, maxBytes } = options;
    if (stats.isFile() && stats.size > 0) {
      const available = Math.max(0, stats.size - start);
      const wanted = length === undefined ? available : Math.min(length, available);
      if (wanted > maxBytes) throw tooLarge(options, file, wanted, false);
      await options.reserve?.(wanted);
      return await readInto(handle, Buffer.allocUnsafe(wanted), start, options.signal);
    }
    // Size unknown: read up to one byte past the limit to tell "exactly at it" from "above".
    const cap = length === undefined ? maxBytes + 1 : Math.min(length, maxBytes + 1);
    await options.reserve?.(Math.min(cap, maxBytes));
    const bytes = await readChunks(handle, start, cap, options.signal);
    if (bytes.length > maxBytes) throw tooLarge(options, file, bytes.length, true);
    return bytes;
  } finally {
    await handle.close();
  }
}

async function readInto(
  handle: FileHandle,
  buffer: Buffer,
  start: number,
  signal: AbortSignal,
): Promise<Buffer> {
  let total = 0;
  while (total < buffer.length) {
    signal.throwIfAborted();
    const want = Math.min(READ_CHUNK_BYTES, buffer.length - total);
    const { bytesRead } = await handle.read(buffer, total, want, start + total);
    if (bytesRead === 0) break;
    total += bytesRead;
  }
  return total === buffer.length ? buffer : buffer.subarray(0, total);
}

async function readChunks(
  handle: FileHandle,
  start: number,
  cap: number,
  signal: AbortSignal,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < cap) {
    signal.throwIfAborted();
    const want = Math.min(READ_CHUNK_BYTES, cap - total);
    const buffer = Buffer.allocUnsafe(want);
    const { bytesRead } = await handle.read(buffer, 0, want, start + total);
    if (bytesRead === 0) break;
    chunks.push(bytesRead === want ? buffer : buffer.subarray(0, bytesRead));
    total += bytesRead;
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(
  options: BoundedReadOptions,
  file: string,
  bytes: number,
  atLeast: boolean,
): CommandError {
  const size = atLeast ? `more than ${describeBytes(options.maxBytes)}` : describeBytes(bytes);
  return new CommandError(
    'reply_too_large',
    `${options.command}: the range asked of '${file}' is ${size}, and one reply carries at most ` +
      `${describeBytes(options.maxBytes)}; read it in ranges with offset and length ` +
      `(e.g. length ${1024 * 1024})`,
    { max_bytes: options.maxBytes, ...(atLeast ? {} : { size: bytes }) },
  );
}
