import { spawn, type ChildProcess } from 'node:child_process';
import { stat, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
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
  /**
   * Frame slots that found the encoder (on a loaded machine, mostly at its start) or a grab still
   * busy: they hold the frame before them, so the video keeps the wall-clock time.
   */
  late_frames: number;
  /** Ticks with no frame (the display was gone, or changed size): the last frame was repeated. */
  repeated_frames: number;
  duration_s: number;
  bytes: number;
  /** Why it ended: `stopped`, `max_duration`, `max_bytes`, `disk_full`, `shutdown` or `encoder_failed`. */
  reason: string;
}

/** Frames written to ffmpeg and not yet taken: beyond this a tick waits, it does not queue. */
const MAX_QUEUED_FRAMES = 2;
const FINISH_TIMEOUT_MS = 10_000;

/**
 * An MP4 (H.264, yuv420p, faststart: plays in browsers) of the screen, encoded by Debian's
 * ffmpeg from our own frames at a fixed rate: a tick grabs a new frame only when the screen
 * changed since the last one (damage events), else it writes the previous frame again, so a
 * still screen costs a memory copy and x264's near-free skip blocks. ffmpeg runs with one
 * thread at `ultrafast`, which keeps its CPU bounded (see `pnpm bench`). When the display goes
 * away the last frame is repeated (a frozen gap, not a broken file), and stopping ends ffmpeg's
 * input, so the file is always finalised. Frame n always shows the screen at n / fps seconds:
 * slots the encoder was too busy to take hold the frame before them, written once it catches up
 * (at most MAX_QUEUED_FRAMES in its pipe at a time, so memory stays bounded).
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
  private late = 0;
  private checkedDiskAt = 0;
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
    // Slot 0 is the screen now, not a frame held from before the recording.
    void this.tick();
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
    const room = MAX_QUEUED_FRAMES - Math.floor(stdin.writableLength / this.last.length);
    // Slots before this one that were never written hold the last frame written.
    const behind = this.slotsUntil(elapsedMs) - 1 - this.frames;
    const held = Math.max(0, Math.min(behind, room));
    if (held > 0) this.writeHeld(held);
    if (held >= room || held < behind) return;
    this.busy = true;
    try {
      if (this.dirty || this.options.withCursor) await this.refresh();
      stdin.write(Buffer.from(this.last));
      this.frames += 1;
      // Once a second: the file's size, and what is left on its disk.
      if (elapsedMs - this.checkedDiskAt >= 1000) {
        this.checkedDiskAt = elapsedMs;
        if ((await this.bytesOnDisk()) >= this.options.maxBytes) void this.stop('max_bytes');
        else if ((await freeBytes(this.options.path)) < this.options.minFreeBytes) {
          void this.stop('disk_full');
        }
      }
    } finally {
      this.busy = false;
    }
  }

  /** Writes the last frame `count` more times, into slots the encoder was too busy to take. */
  private writeHeld(count: number): boolean {
    const held = Buffer.from(this.last);
    let more = true;
    for (let i = 0; i < count; i += 1) more = this.ffmpeg.stdin?.write(held) ?? false;
    this.frames += count;
    this.late += count;
    return more;
  }

  /** How many frame slots the first `elapsedMs` of the recording hold (slot 0 starts at 0). */
  private slotsUntil(elapsedMs: number): number {
    return (
      Math.floor((Math.min(elapsedMs, this.options.maxDurationMs) * this.options.fps) / 1000) + 1
    );
  }

  /** Writes the slots still owed up to `elapsedMs` as the last frame, as ffmpeg takes them. */
  private async writeOwedFrames(elapsedMs: number, deadline: number): Promise<void> {
    const stdin = this.ffmpeg.stdin;
    while (stdin !== null && !stdin.destroyed && this.frames < this.slotsUntil(elapsedMs) - 1) {
      if (!this.writeHeld(1) && !(await drainedBefore(stdin, deadline))) return;
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
    const stoppedMs = performance.now() - this.startedAt;
    clearInterval(this.timer);
    this.stopDamage();
    while (this.busy) await new Promise((resolve) => setTimeout(resolve, 5));
    if (this.failure === undefined) {
      await this.writeOwedFrames(stoppedMs, performance.now() + FINISH_TIMEOUT_MS / 2);
    }
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
      late_frames: this.late,
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

/** Whether `stream` drained before `deadline` (a `performance.now()` time). */
function drainedBefore(stream: Writable, deadline: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (drained: boolean) => {
      clearTimeout(timer);
      stream.off('drain', onDrain);
      stream.off('close', onClose);
      resolve(drained);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    const timer = setTimeout(() => done(false), Math.max(0, deadline - performance.now()));
    stream.once('drain', onDrain);
    stream.once('close', onClose);
  });
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
