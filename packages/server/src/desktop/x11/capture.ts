import { CommandError } from '../../core/command-error.js';
import type { Region } from '../desktop.js';
import { FramePool } from '../media/frame-pool.js';
import type { Frame } from '../media/encode-image.js';
import { ShmFile } from './shm-file.js';
import type { X11Connection } from './x11-connection.js';
import type {
  X11CoreImageReply,
  X11ImageClient,
  X11ShmExtension,
  X11ShmGetImageReply,
} from './x11-extension-types.js';

const Z_PIXMAP = 2;
const ALL_PLANES = 0xffffffff;
const BYTES_PER_PIXEL = 4;

/** A grabbed frame whose buffer goes back to the pool once `release` is called. */
export interface PooledFrame extends Frame {
  release(): void;
}

interface SharedSegment {
  file: ShmFile;
  xid: number;
}

/**
 * Screen capture on the backend's X connection. With MIT-SHM (a local display) the server writes
 * the pixels into a shared segment, reused across grabs, and one read on the thread pool brings
 * them into a pooled buffer: about 1 ms for 1280x800 against 5 ms for a core GetImage, whose
 * 4 MB reply crosses the socket. Without it (a remote display, no tmpfs, or a server that
 * refuses the segment) the core request does the same job.
 */
export class X11Capture {
  private readonly pool = new FramePool();
  private segment: SharedSegment | undefined;
  // One grab at a time uses the segment: the next may start once the previous read is done.
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly connection: X11Connection,
    private readonly shm: X11ShmExtension | undefined,
  ) {}

  /** Sets up shared memory when the display allows it; `usesSharedMemory` tells which path runs. */
  static async open(connection: X11Connection, screenBytes: number): Promise<X11Capture> {
    const shm = await loadShm(connection);
    const capture = new X11Capture(connection, shm);
    if (shm !== undefined) capture.segment = await capture.attach(screenBytes);
    return capture;
  }

  get usesSharedMemory(): boolean {
    return this.segment !== undefined;
  }

  /** The pixels of `region` of the root window, 4 bytes per pixel (B G R X). */
  grab(region: Region): Promise<PooledFrame> {
    const run = this.queue.then(() => this.grabNow(region));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Makes sure the segment can hold `bytes` (after the screen grew). */
  async resize(bytes: number): Promise<void> {
    if (this.segment === undefined || this.segment.file.size >= bytes) return;
    this.detach();
    this.pool.clear();
    this.segment = await this.attach(bytes);
  }

  close(): void {
    this.detach();
    this.pool.clear();
  }

  private async grabNow(region: Region): Promise<PooledFrame> {
    const { width, height } = region;
    const bytes = width * height * BYTES_PER_PIXEL;
    const buffer = this.pool.take(bytes);
    let released = false;
    const frame: PooledFrame = {
      width,
      height,
      data: buffer,
      headroom: FramePool.HEADROOM,
      release: () => {
        if (released) return;
        released = true;
        this.pool.give(buffer);
      },
    };
    try {
      const segment = this.segment;
      if (segment !== undefined && segment.file.size >= bytes) {
        await this.grabShared(segment, region, buffer);
      } else {
        await this.grabCore(region, buffer);
      }
      return frame;
    } catch (error) {
      frame.release();
      throw error;
    }
  }

  private async grabShared(segment: SharedSegment, region: Region, target: Buffer) {
    const shm = this.shm!;
    const reply = await this.connection.call<X11ShmGetImageReply>('ShmGetImage', (_client, cb) =>
      shm.GetImage(
        this.connection.root,
        region.x,
        region.y,
        region.width,
        region.height,
        ALL_PLANES,
        Z_PIXMAP,
        segment.xid,
        0,
        cb,
      ),
    );
    assertTrueColour(reply.depth);
    await segment.file.read(target, target.length);
  }

  private async grabCore(region: Region, target: Buffer) {
    const reply = await this.connection.call<X11CoreImageReply>('GetImage', (client, cb) =>
      (client as X11ImageClient).GetImage(
        Z_PIXMAP,
        this.connection.root,
        region.x,
        region.y,
        region.width,
        region.height,
        ALL_PLANES,
        cb,
      ),
    );
    assertTrueColour(reply.depth);
    if (reply.data.length < target.length) {
      throw new CommandError(
        'command_failed',
        `GetImage returned ${reply.data.length} bytes for a ${region.width}x${region.height} region`,
      );
    }
    reply.data.copy(target, 0, 0, target.length);
  }

  private async attach(bytes: number): Promise<SharedSegment | undefined> {
    const shm = this.shm;
    if (shm === undefined) return undefined;
    let file: ShmFile | undefined;
    try {
      file = ShmFile.create(bytes);
      if (file === undefined) return undefined;
      const opened = file;
      const client = this.connection.raw as X11ImageClient;
      const xid = client.AllocID();
      await this.connection.call<void>('ShmAttachFd', (_client, cb) =>
        shm.AttachFd(xid, opened.descriptor, false, cb),
      );
      return { file: opened, xid };
    } catch (error) {
      file?.close();
      // Advertised but refused (containers, permissions): the core path still works.
      if (error instanceof CommandError && error.code === 'display_unavailable') throw error;
      return undefined;
    }
  }

  private detach(): void {
    const segment = this.segment;
    this.segment = undefined;
    if (segment === undefined) return;
    if (!this.connection.closed) {
      try {
        this.shm?.Detach(segment.xid);
      } catch {
        // The connection went away meanwhile; the server dropped the segment with it.
      }
    }
    segment.file.close();
  }
}

async function loadShm(connection: X11Connection): Promise<X11ShmExtension | undefined> {
  try {
    const shm = await connection.call<X11ShmExtension>('QueryExtension(MIT-SHM)', (client, cb) =>
      (client as X11ImageClient).require('shm', (error, ext) => {
        cb(error, ext as X11ShmExtension);
      }),
    );
    const hasAttachFd = shm.major > 1 || (shm.major === 1 && shm.minor >= 2);
    return hasAttachFd && shm.fdCapable ? shm : undefined;
  } catch (error) {
    if (error instanceof CommandError && error.code === 'display_unavailable') throw error;
    return undefined;
  }
}

function assertTrueColour(depth: number): void {
  if (depth !== 24 && depth !== 32) {
    throw new CommandError(
      'unsupported',
      `The X screen has depth ${depth}; screenshots need a 24- or 32-bit TrueColor screen`,
    );
  }
}
