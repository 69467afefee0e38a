import { lstat, mkdir, readdir, rmdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { CommandsOfGroup } from '@cua/computer-protocol';
import { appendBytes } from '../files/append-write.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { readBounded } from '../files/bounded-read.js';
import { errnoCode, fileError } from '../files/fs-error.js';
import { LIMITS } from '../core/limits.js';
import { decodeStrictBase64 } from '../files/strict-base64.js';
import { resolveUserPath } from '../files/user-path.js';
import type { Handler, HandlerContext } from './types.js';

/**
 * Memory a read of n bytes holds until its reply is sent, per byte read: the bytes, their
 * base64 (or decoded text) and the encoded reply.
 */
const READ_BYTES_COST = 3;
const READ_TEXT_COST = 4;

export type FilesHandlers = { [N in CommandsOfGroup<'files'>]: Handler<N> };

/** The file commands (docs/protocol.md, Commands), on the server's own file system. */
export function filesHandlers(): FilesHandlers {
  return {
    file_exists: async ({ path: input }) => ({
      exists: await isKind(resolveUserPath(input), 'file'),
    }),

    directory_exists: async ({ path: input }) => ({
      exists: await isKind(resolveUserPath(input), 'directory'),
    }),

    list_dir: async ({ path: input }) => {
      const dir = resolveUserPath(input);
      return { files: await withPath(dir, () => listFilesAndDirectories(dir)) };
    },

    read_text: async ({ path: input }, ctx) => {
      const file = resolveUserPath(input);
      const bytes = await withPath(file, () =>
        readBounded(file, readOptions(ctx, 'read_text', READ_TEXT_COST, 0, undefined)),
      );
      // Universal newlines, as upstream's text mode: \r\n and a lone \r both become \n.
      return { content: bytes.toString('utf8').replace(/\r\n?/g, '\n') };
    },

    write_text: async ({ path: input, content }) => {
      const file = resolveUserPath(input);
      await withPath(file, () => writeFileAtomic(file, Buffer.from(content, 'utf8')));
      return {};
    },

    read_bytes: async ({ path: input, offset, length }, ctx) => {
      const file = resolveUserPath(input);
      const start = Math.max(0, offset);
      const wanted = length === undefined || length === null || length < 0 ? undefined : length;
      const bytes = await withPath(file, () =>
        readBounded(file, readOptions(ctx, 'read_bytes', READ_BYTES_COST, start, wanted)),
      );
      return { content_b64: bytes.toString('base64') };
    },

    write_bytes: async ({ path: input, content_b64: contentB64, append }) => {
      const data = decodeStrictBase64(contentB64, 'content_b64');
      const file = resolveUserPath(input);
      await withPath(file, () => (append ? appendBytes(file, data) : writeFileAtomic(file, data)));
      return {};
    },

    get_file_size: async ({ path: input }) => {
      const file = resolveUserPath(input);
      return { size: (await withPath(file, () => stat(file))).size };
    },

    delete_file: async ({ path: input }) => {
      const file = resolveUserPath(input);
      await withPath(file, () => unlinkFile(file));
      return {};
    },

    create_dir: async ({ path: input }) => {
      const dir = resolveUserPath(input);
      await withPath(dir, () => mkdir(dir, { recursive: true }));
      return {};
    },

    delete_dir: async ({ path: input }) => {
      const dir = resolveUserPath(input);
      await withPath(dir, () => rmdir(dir));
      return {};
    },
  };
}

function readOptions(
  ctx: HandlerContext,
  command: string,
  costPerByte: number,
  start: number,
  length: number | undefined,
) {
  const { reserveMemory } = ctx;
  return {
    start,
    length,
    command,
    maxBytes: LIMITS.maxReadBytes,
    signal: ctx.signal,
    reserve: reserveMemory && ((bytes: number) => reserveMemory(bytes * costPerByte)),
  };
}

/** Runs a file system operation; its failure names the path the client asked about. */
async function withPath<T>(filePath: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    throw fileError(err, filePath);
  }
}

/** Through symlinks, as upstream's is_file/is_dir; an unreadable or missing path is "no". */
async function isKind(filePath: string, kind: 'file' | 'directory'): Promise<boolean> {
  try {
    const stats = await stat(filePath);
    return kind === 'file' ? stats.isFile() : stats.isDirectory();
  } catch {
    return false;
  }
}

/** Files and directories only (symlinks followed); sockets, FIFOs and broken links are left out. */
async function listFilesAndDirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const kept = await Promise.all(
    entries.map(async (entry) => {
      if (entry.isFile() || entry.isDirectory()) return entry.name;
      if (!entry.isSymbolicLink()) return undefined;
      const target = await stat(path.join(dir, entry.name)).catch(() => undefined);
      return target !== undefined && (target.isFile() || target.isDirectory())
        ? entry.name
        : undefined;
    }),
  );
  return kept.filter((name): name is string => name !== undefined);
}

/** unlink, with the same "Is a directory" on every OS (macOS says EPERM for a directory). */
async function unlinkFile(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'EPERM' || code === 'EACCES' || code === 'EISDIR') {
      const stats = await lstat(file).catch(() => undefined);
      if (stats?.isDirectory())
        throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    throw err;
  }
}
