import { spawn, type ChildProcess } from 'node:child_process';
import { stat, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CommandError } from '../../core/command-error.js';
import type { Desktop, GrabbedFrame } from '../desktop.js';
import { drawCursor } from './draw-cursor.js';

export interface RecordingOptions {
  path: string;
  fps: number;
  /** Output size relative to the screen, 0 < scale ≤ 1. */
  scale: number;
  withCursor: boolean;
  /**
   * The recording stops by itself after this long, at this many bytes on disk, or when the
   * disk it writes to has less than `minFreeBytes` left.
   */
  maxDurationMs: number;
  maxBytes: number;
  minFreeBytes: number;
  /** The environment ffmpeg runs in. */
  env: NodeJS.ProcessEnv;
}

export interface RecordingSummary {
  path: string;
  width: number;
  height: number;
  fps: number;
  frames: number;
  /** Ticks that found the encoder still busy: the video is that much shorter than the wall time. */
  dropped_frames: number;
  /** Ticks with no frame (the display was gone, or changed size): the last frame was repeated. */
  repeated_frames: number;
  duration_s: number;
  bytes: number;
  /** Why it ended: `stopped`, `max_duration`, `max_bytes`, `disk_full`, `shutdown` or `encoder_failed`. */
  reason: string;
}

/** Frames written to ffmpeg and not yet taken: beyond this a tick is dropped, not queued. */
const MAX_QUEUED_FRAMES = 2;
const FINISH_TIMEOUT_MS = 10_000;

/**
 * An MP4 (H.264, yuv420p, faststart: plays in browsers) of the screen, encoded by Debian's
 * ffmpeg from our own frames at a fixed rate: a tick grabs a new frame only when the screen
 * changed since the last one (damage events), else it writes the previous frame again, so a
 * still screen costs a memory copy and x264's near-free skip blocks. ffmpeg runs with one
 * thread at `ultrafast`, which keeps its CPU bounded (see `pnpm bench`). When the display goes
 * away the last frame is repeated (a frozen gap, not a broken file), and stopping ends ffmpeg's
 * input, so the file is always finalised.
 */
export class ScreenRecorder {
  private readonly ffmpeg: ChildProcess;
  private readonly startedAt = performance.now();
  private readonly timer: NodeJS.Timeout;
  private readonly stopDamage: () => void;
  private last: Buffer;
  private dirty = true;
  private busy = false;
  private frames = 0;
  private dropped = 0;
  private repeated = 0;
  private ending: Promise<RecordingSummary> | undefined;
  private failure: string | undefined;

  private constructor(
    private readonly desktop: Desktop,
    private readonly options: RecordingOptions,
    private readonly size: { width: number; height: number },
    private readonly output: { width: number; height: number },
    private readonly onEnded: (summary: RecordingSummary) => void,
  ) {
    this.last = Buffer.alloc(size.width * size.height * 4);
    this.ffmpeg = spawn('ffmpeg', ffmpegArgs(options, size, output), {
      env: options.env,
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    this.ffmpeg.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    this.ffmpeg.stdin?.on('error', () => undefined);
    this.ffmpeg.once('exit', (code) => {
      if (this.ending === undefined && code !== 0) {
        this.failure = stderr.trim().split('\n').pop() ?? `ffmpeg exited with ${code}`;
        void this.stop('encoder_failed');
      }
    });
    this.stopDamage = desktop.onDamage(() => {
      this.dirty = true;
    });
    this.timer = setInterval(() => void this.tick(), 1000 / options.fps);
  }

  static async start(
    desktop: Desktop,
    options: RecordingOptions,
    onEnded: (summary: RecordingSummary) => void = () => undefined,
  ): Promise<ScreenRecorder> {
    const size = await desktop.screenSize();
    // H.264 in yuv420p needs even sides.
    const even = (n: number) => Math.max(2, Math.floor((n * options.scale) / 2) * 2);
    const output = { width: even(size.width), height: even(size.height) };
    const recorder = new ScreenRecorder(desktop, options, size, output, onEnded);
    await new Promise<void>((resolve, reject) => {
      recorder.ffmpeg.once('spawn', resolve);
      recorder.ffmpeg.once('error', (error: NodeJS.ErrnoException) => {
        clearInterval(recorder.timer);
        recorder.stopDamage();
        reject(
          error.code === 'ENOENT'
            ? new CommandError(
                'unsupported',
                'Recording needs ffmpeg, which is not installed on the server (Debian package ffmpeg)',
              )
            : new CommandError('command_failed', `Could not start ffmpeg: ${error.message}`),
        );
      });
    });
    return recorder;
  }

  get path(): string {
    return this.options.path;
  }

  get dimensions(): { width: number; height: number } {
    return this.output;
  }

  /** Ends the input, waits for ffmpeg to write the file, and says what was recorded. */
  stop(reason = 'stopped'): Promise<RecordingSummary> {
    this.ending ??= this.finish(reason);
    return this.ending;
  }

  private async tick(): Promise<void> {
    const stdin = this.ffmpeg.stdin;
    if (this.ending !== undefined || stdin === null || this.busy) return;
    const elapsedMs = performance.now() - this.startedAt;
    if (elapsedMs >= this.options.maxDurationMs) {
      void this.stop('max_duration');
      return;
    }
    if (stdin.writableLength >= MAX_QUEUED_FRAMES * this.last.length) {
      this.dropped += 1;
      return;
    }
    this.busy = true;
    try {
      if (this.dirty || this.options.withCursor) await this.refresh();
      stdin.write(Buffer.from(this.last));
      this.frames += 1;
      // Once a second: the file's size, and what is left on its disk.
      if (this.frames % this.options.fps === 0) {
        if ((await this.bytesOnDisk()) >= this.options.maxBytes) void this.stop('max_bytes');
        else if ((await freeBytes(this.options.path)) < this.options.minFreeBytes) {
          void this.stop('disk_full');
        }
      }
    } finally {
      this.busy = false;
    }
  }

  /** Grabs a new frame into `last`; keeps the old one when the display cannot give one. */
  private async refresh(): Promise<void> {
    this.dirty = false;
    let frame: GrabbedFrame | undefined;
    try {
      frame = await this.desktop.grab();
      if (frame.width !== this.size.width || frame.height !== this.size.height) {
        this.repeated += 1;
        return;
      }
      const copy = Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
      copy.copy(this.last);
      if (this.options.withCursor) {
        const cursor = await this.desktop.cursorImage().catch(() => undefined);
        if (cursor) drawCursor({ ...this.size, data: this.last }, cursor);
      }
    } catch {
      // Display gone: the last frame stands in until it is back.
      this.repeated += 1;
      this.dirty = true;
    } finally {
      frame?.release();
    }
  }

  private async finish(reason: string): Promise<RecordingSummary> {
    clearInterval(this.timer);
    this.stopDamage();
    while (this.busy) await new Promise((resolve) => setTimeout(resolve, 5));
    const exited = new Promise<void>((resolve) => {
      if (this.ffmpeg.exitCode !== null || this.ffmpeg.signalCode !== null) resolve();
      else this.ffmpeg.once('exit', () => resolve());
    });
    this.ffmpeg.stdin?.end();
    const timer = setTimeout(() => this.ffmpeg.kill('SIGKILL'), FINISH_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
    const summary: RecordingSummary = {
      path: this.options.path,
      ...this.output,
      fps: this.options.fps,
      frames: this.frames,
      dropped_frames: this.dropped,
      repeated_frames: this.repeated,
      duration_s: Math.round((this.frames / this.options.fps) * 1000) / 1000,
      bytes: await this.bytesOnDisk(),
      reason: this.failure === undefined ? reason : 'encoder_failed',
    };
    this.onEnded(summary);
    if (this.failure !== undefined) {
      throw new CommandError('command_failed', `The recording failed: ffmpeg said ${this.failure}`);
    }
    return summary;
  }

  private async bytesOnDisk(): Promise<number> {
    try {
      return (await stat(this.options.path)).size;
    } catch {
      return 0;
    }
  }
}

/** Free bytes on the disk that holds `path` (Infinity where that cannot be read). */
export async function freeBytes(path: string): Promise<number> {
  try {
    const disk = await statfs(dirname(path));
    return disk.bavail * disk.bsize;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function ffmpegArgs(
  options: RecordingOptions,
  size: { width: number; height: number },
  output: { width: number; height: number },
): string[] {
  return [
    ['-hide_banner', '-loglevel', 'error'],
    ['-f', 'rawvideo', '-pix_fmt', 'bgr0', '-video_size', `${size.width}x${size.height}`],
    ['-framerate', String(options.fps), '-i', 'pipe:0'],
    ['-vf', `scale=${output.width}:${output.height}`],
    ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '28', '-threads', '1'],
    ['-pix_fmt', 'yuv420p', '-movflags', '+faststart', '-y', options.path],
  ].flat();
}
