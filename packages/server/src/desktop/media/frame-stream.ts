import { CommandError } from '../../core/command-error.js';
import type { Desktop, EncodedImage, ImageFormat } from '../desktop.js';

export interface FrameStreamOptions {
  format: ImageFormat;
  quality: number;
  /** Frames are scaled down to at most this width (never up). */
  maxWidth?: number | undefined;
  /** At most this many frames a second. */
  fps: number;
  signal: AbortSignal;
}

export interface StreamedFrame extends EncodedImage {
  seq: number;
  /** Milliseconds from the first damage this frame shows to the frame being encoded. */
  latencyMs: number;
}

/** Without damage events (the nut backend), the screen is sampled at this rate instead. */
const POLL_FPS_WITHOUT_DAMAGE = 2;
/** While the display is gone, the stream looks again this often. */
const DISPLAY_RETRY_MS = 500;

/**
 * Frames of the screen, sent only when it changed: damage events mark the screen dirty, and a
 * frame is taken at most `fps` times a second once it is. `deliver` resolves when the frame has
 * left (the transport's write callback), and the next frame is taken only then, so a slow viewer
 * gets fewer, newer frames instead of a growing queue: memory stays at one frame in flight. A
 * still screen costs nothing but the idle wait.
 */
export async function streamFrames(
  desktop: Desktop,
  options: FrameStreamOptions,
  deliver: (frame: StreamedFrame) => Promise<void>,
): Promise<number> {
  const { signal } = options;
  const minGapMs = 1000 / options.fps;
  let dirtySince: number | undefined = performance.now();
  let wake: (() => void) | undefined;
  const stopDamage = desktop.onDamage((event) => {
    dirtySince ??= event.at;
    wake?.();
  });
  const onAbort = () => wake?.();
  signal.addEventListener('abort', onAbort, { once: true });
  const pollMs = desktop.capabilities.damage ? undefined : 1000 / POLL_FPS_WITHOUT_DAMAGE;
  // One promise for the whole stream: a listener per frame would pile up on the signal.
  const stopped = aborted(signal);
  let seq = 0;
  let lastAt = -Infinity;
  try {
    while (!signal.aborted) {
      if (dirtySince === undefined) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (pollMs !== undefined) {
            setTimeout(() => {
              dirtySince ??= performance.now();
              resolve();
            }, pollMs);
          }
        });
        wake = undefined;
        continue;
      }
      const wait = lastAt + minGapMs - performance.now();
      if (wait > 0) {
        await new Promise((resolve) => setTimeout(resolve, wait));
        if (signal.aborted) break;
      }
      const since = dirtySince;
      dirtySince = undefined;
      lastAt = performance.now();
      let image: EncodedImage;
      try {
        image = await capture(desktop, options);
      } catch (error) {
        if (!(error instanceof CommandError && error.code === 'display_unavailable')) throw error;
        // A gap in the stream, not its end: the viewer gets frames again once it is back.
        await new Promise((resolve) => setTimeout(resolve, DISPLAY_RETRY_MS));
        dirtySince ??= performance.now();
        continue;
      }
      seq += 1;
      const delivered = deliver({ ...image, seq, latencyMs: performance.now() - since });
      // A socket that went away may never say its last frame was written.
      await Promise.race([delivered, stopped]);
    }
  } finally {
    stopDamage();
    signal.removeEventListener('abort', onAbort);
  }
  return seq;
}

async function capture(desktop: Desktop, options: FrameStreamOptions): Promise<EncodedImage> {
  const size = await desktop.screenSize();
  const scale = Math.min(1, (options.maxWidth ?? size.width) / size.width);
  return desktop.capture(undefined, {
    format: options.format,
    quality: options.quality,
    width: Math.max(1, Math.round(size.width * scale)),
    height: Math.max(1, Math.round(size.height * scale)),
  });
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
