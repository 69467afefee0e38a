import { open, stat } from 'node:fs/promises';
import { errnoCode } from './fs-error.js';
import { OPEN_APPEND_FLAGS, refuseStreamFile } from './special-file.js';

/** Appends bytes (creating the file), never waiting on a FIFO's reader. Errors are Node's. */
export async function appendBytes(file: string, data: Uint8Array): Promise<void> {
  let handle;
  try {
    handle = await open(file, OPEN_APPEND_FLAGS, 0o666);
  } catch (err) {
    // A FIFO without a reader (non-blocking open): say what it is rather than ENXIO.
    if (errnoCode(err) === 'ENXIO') {
      const stats = await stat(file).catch(() => undefined);
      if (stats) refuseStreamFile(stats, file);
    }
    throw err;
  }
  try {
    refuseStreamFile(await handle.stat(), file);
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
}
