import {
  accessSync,
  closeSync,
  constants,
  ftruncateSync,
  openSync,
  read,
  unlinkSync,
} from 'node:fs';

const SHM_DIR = '/dev/shm';
let counter = 0;

/**
 * A shared segment: an unlinked tmpfs file that the X server maps through MIT-SHM AttachFd.
 * The `x11` package's own provider reads segments back with a synchronous `pread` into a buffer
 * of its own; keeping the descriptor here lets a grab read straight into a pooled frame buffer
 * on libuv's thread pool, with no copy on the event loop.
 */
export class ShmFile {
  private fd: number | null;

  private constructor(
    fd: number,
    readonly size: number,
  ) {
    this.fd = fd;
  }

  /** A new segment, or undefined where there is no writable tmpfs (then capture uses the core path). */
  static create(size: number): ShmFile | undefined {
    try {
      accessSync(SHM_DIR, constants.W_OK);
    } catch {
      return undefined;
    }
    const path = `${SHM_DIR}/cua-x11-shm-${process.pid}-${counter++}`;
    const fd = openSync(path, 'w+', 0o600);
    try {
      ftruncateSync(fd, size);
    } catch (error) {
      closeSync(fd);
      throw error;
    } finally {
      // Anonymous from here on: gone once our descriptor and the server's mapping are.
      unlinkSync(path);
    }
    return new ShmFile(fd, size);
  }

  get descriptor(): number {
    if (this.fd === null) throw new Error('the shared segment is closed');
    return this.fd;
  }

  /** Reads `length` bytes from the segment's start into `target`. */
  read(target: Buffer, length: number): Promise<void> {
    return new Promise((resolve, reject) => {
      read(this.descriptor, target, 0, length, 0, (error, bytesRead) => {
        if (error) reject(error);
        else if (bytesRead !== length) reject(new Error(`short read: ${bytesRead} of ${length}`));
        else resolve();
      });
    });
  }

  close(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // Already closed.
    }
    this.fd = null;
  }
}
