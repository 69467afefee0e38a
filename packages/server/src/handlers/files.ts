import {
  appendFile,
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  rmdir,
  stat,
  unlink,
} from 'node:fs/promises';
import path from 'node:path';
import type { CommandsOfGroup } from '@cua/computer-protocol';
import { writeFileAtomic } from '../atomic-write.js';
import { errnoCode, fileError } from '../fs-error.js';
import { decodeStrictBase64 } from '../strict-base64.js';
import { resolveUserPath } from '../user-path.js';
import type { Handler } from './types.js';

/** Reads are issued in pieces of at most this, so an open-ended read grows as the data comes. */
const READ_CHUNK_BYTES = 1024 * 1024;

export type FilesHandlers = { [N in CommandsOfGroup<'files'>]: Handler<N> };

/** The file commands (reference §3.4), on the server's own file system. */
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
      const bytes = await withPath(file, () => readFile(file, { signal: ctx.signal }));
      // Universal newlines, as upstream's text mode: \r\n and a lone \r both become \n.
      return { content: bytes.toString('utf8').replace(/\r\n?/g, '\n') };
    },

    write_text: async ({ path: input, content }) => {
      const file = resolveUserPath(input);
      await withPath(file, () => writeFileAtomic(file, Buffer.from(content, 'utf8')));
      return {};
    },

    read_bytes: async ({ path: input, offset, length }) => {
      const file = resolveUserPath(input);
      const start = Math.max(0, offset);
      const wanted = length === undefined || length === null || length < 0 ? undefined : length;
      const bytes = await withPath(file, () => readRange(file, start, wanted));
      return { content_b64: bytes.toString('base64') };
    },

    write_bytes: async ({ path: input, content_b64: contentB64, append }) => {
      const data = decodeStrictBase64(contentB64, 'content_b64');
      const file = resolveUserPath(input);
      await withPath(file, () => (append ? appendFile(file, data) : writeFileAtomic(file, data)));
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

/**
 * Reads `length` bytes (or to EOF) from `start` without loading the rest of the file. EOF is
 * where reading stops, not the stat size, so files that report size 0 (/proc) still read.
 */
async function readRange(file: string, start: number, length: number | undefined): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    while (length === undefined || total < length) {
      const want =
        length === undefined ? READ_CHUNK_BYTES : Math.min(READ_CHUNK_BYTES, length - total);
      const buffer = Buffer.allocUnsafe(want);
      const { bytesRead } = await handle.read(buffer, 0, want, start + total);
      if (bytesRead === 0) break;
      chunks.push(bytesRead === want ? buffer : buffer.subarray(0, bytesRead));
      total += bytesRead;
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
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
