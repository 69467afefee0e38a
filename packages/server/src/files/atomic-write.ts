import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { open, realpath, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { OPEN_WRITE_DEVICE_FLAGS, refuseStreamFile } from './special-file.js';

/** Room for the prefix and random suffix within the usual 255-byte name limit. */
const MAX_TEMP_STEM_CHARS = 200;

/**
 * Replaces a file's content all at once: readers see the old bytes or the new ones, never a
 * half-written file, and a failure (disk full, say) leaves the old file as it was. The bytes go
 * to a temp file in the same directory (so the rename cannot cross file systems), are flushed,
 * then renamed over the target. Errors are Node's, with their errno `code`.
 */
export async function writeFileAtomic(target: string, data: Uint8Array): Promise<void> {
  // Through a symlink to the file it names, so the link itself stays a link.
  const finalPath = await realpath(target).catch(() => target);
  const existing = await stat(finalPath).catch(() => undefined);
  if (existing?.isDirectory()) {
    throw Object.assign(new Error(`EISDIR: illegal operation on a directory, open '${target}'`), {
      code: 'EISDIR',
    });
  }
  if (existing !== undefined && !existing.isFile()) {
    // Renaming over a device (/dev/null) would destroy it, so it is written in place; a FIFO is
    // refused, since opening it would wait for a reader.
    refuseStreamFile(existing, target);
    await writeFile(finalPath, data, { flag: OPEN_WRITE_DEVICE_FLAGS });
    return;
  }
  const dir = path.dirname(finalPath);
  const stem = path.basename(finalPath).slice(0, MAX_TEMP_STEM_CHARS);
  const temp = path.join(dir, `.${stem}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx', existing === undefined ? 0o666 : 0o600);
    await handle.writeFile(data);
    if (existing !== undefined) await keepOwnerAndMode(handle, existing);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, finalPath);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dir);
}

async function keepOwnerAndMode(handle: FileHandle, existing: Stats): Promise<void> {
  // Only root can give a file away; for anyone else the new file simply stays theirs.
  if (existing.uid !== process.getuid?.() || existing.gid !== process.getgid?.()) {
    await handle.chown(existing.uid, existing.gid).catch(() => undefined);
  }
  // After chown, which clears set-id bits.
  await handle.chmod(existing.mode & 0o7777);
}

/** Makes the rename itself durable; best effort (Windows cannot open a directory this way). */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // The data is written; only durability across a power cut is in question.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
