import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commands, type CommandName } from '@cua/computer-protocol';
import type { Desktop } from '../desktop/desktop.js';
import { ScreenRecorder, type RecordingSummary } from '../desktop/media/screen-recorder.js';
import { SettleWatch } from '../desktop/settle.js';
import { redactParams, redactResult } from './redact.js';
import { traceViewerHtml } from './viewer-html.js';

export interface TraceAction {
  index: number;
  command: string;
  params: Record<string, unknown>;
  /** From the start of the trace. */
  started_ms: number;
  duration_ms: number;
  success: boolean;
  reply: Record<string, unknown>;
  /** Screenshot files (relative to the trace folder) around input actions. */
  before?: string;
  after?: string;
  /** Where a pointer action acted, in screen pixels. */
  point?: { x: number; y: number };
}

export interface TraceTimeline {
  started_at: string;
  /** How the stored screenshots relate to screen pixels. */
  screenshot_scale: number;
  video?: string;
  actions: TraceAction[];
  /** Why the trace stopped taking screenshots early, if it did. */
  truncated?: string;
}

export interface TraceOptions {
  dir: string;
  video: boolean;
  env: NodeJS.ProcessEnv;
}

/** Bounds that hold whatever a run does. */
export const TRACE_LIMITS = {
  maxActions: 5000,
  /** Screenshots (two per input action) stop here; the timeline goes on. */
  maxScreenshots: 2000,
  screenshotQuality: 60,
  /** How long an action's "after" frame waits for the screen to settle. */
  settleQuietMs: 150,
  settleTimeoutMs: 1500,
  videoFps: 10,
  maxDurationS: 3600,
} as const;

/** Params that say where a pointer action acts. */
function pointOf(params: Record<string, unknown>): { x: number; y: number } | undefined {
  const { x, y, path } = params;
  if (typeof x === 'number' && typeof y === 'number') return { x, y };
  if (Array.isArray(path) && Array.isArray(path[0])) {
    const [px, py] = path[0] as unknown[];
    if (typeof px === 'number' && typeof py === 'number') return { x: px, y: py };
  }
  return undefined;
}

/**
 * A Playwright-style trace of an agent run: every command with its time, params, duration and
 * (redacted) reply; a screenshot before and after each input action; the screen as video; and a
 * self-contained `index.html` that shows it all. Written to one folder when stopped.
 */
export class TraceRecorder {
  private readonly started = performance.now();
  private readonly startedAt = new Date().toISOString();
  private readonly actions: TraceAction[] = [];
  private screenshots = 0;
  private truncated: string | undefined;
  private constructor(
    private readonly desktop: Desktop,
    private readonly options: TraceOptions,
    private readonly recorder: ScreenRecorder | undefined,
  ) {}

  static async start(desktop: Desktop, options: TraceOptions): Promise<TraceRecorder> {
    await mkdir(join(options.dir, 'screenshots'), { recursive: true });
    let recorder: ScreenRecorder | undefined;
    if (options.video) {
      recorder = await ScreenRecorder.start(desktop, {
        path: join(options.dir, 'video.mp4'),
        fps: TRACE_LIMITS.videoFps,
        scale: 1,
        withCursor: desktop.capabilities.cursorImage,
        maxDurationMs: TRACE_LIMITS.maxDurationS * 1000,
        maxBytes: 1024 ** 3,
        minFreeBytes: 1024 ** 3,
        env: options.env,
      });
    }
    return new TraceRecorder(desktop, options, recorder);
  }

  get dir(): string {
    return this.options.dir;
  }

  /** Called before a command runs; the returned function records how it ended. */
  async begin(
    name: CommandName,
    params: Record<string, unknown> | undefined,
  ): Promise<(reply: Record<string, unknown>) => Promise<void>> {
    if (this.actions.length >= TRACE_LIMITS.maxActions) {
      this.truncated ??= `the trace holds at most ${TRACE_LIMITS.maxActions} actions`;
      return async () => undefined;
    }
    const index = this.actions.length + 1;
    const isInput = commands[name].kind === 'input';
    const before = isInput ? await this.screenshot(index, 'before') : undefined;
    // Started before the action, so a repaint it causes at once is waited for too.
    const watch = isInput
      ? await SettleWatch.start(this.desktop).catch(() => undefined)
      : undefined;
    const startedMs = performance.now() - this.started;
    const point = isInput ? pointOf(params ?? {}) : undefined;
    return async (reply) => {
      const durationMs = performance.now() - this.started - startedMs;
      let after: string | undefined;
      if (isInput) {
        watch?.actionEnded();
        await watch
          ?.wait({ quietMs: TRACE_LIMITS.settleQuietMs, timeoutMs: TRACE_LIMITS.settleTimeoutMs })
          .catch(() => undefined);
        watch?.close();
        after = await this.screenshot(index, 'after');
      }
      const { success, ...rest } = reply;
      this.actions.push({
        index,
        command: name,
        params: redactParams(params),
        started_ms: Math.round(startedMs),
        duration_ms: Math.round(durationMs * 10) / 10,
        success: success === true,
        reply: redactResult(rest),
        ...(before ? { before } : {}),
        ...(after ? { after } : {}),
        ...(point ? { point } : {}),
      });
    };
  }

  /** Finishes the video and writes the timeline and the viewer. */
  async stop(): Promise<{ path: string; actions: number; video?: RecordingSummary }> {
    const video = await this.recorder?.stop().catch(() => undefined);
    const timeline: TraceTimeline = {
      started_at: this.startedAt,
      screenshot_scale: 1,
      ...(video ? { video: 'video.mp4' } : {}),
      actions: this.actions.sort((a, b) => a.started_ms - b.started_ms),
      ...(this.truncated ? { truncated: this.truncated } : {}),
    };
    if (!video) await rm(join(this.options.dir, 'video.mp4'), { force: true });
    await writeFile(join(this.options.dir, 'trace.json'), `${JSON.stringify(timeline, null, 2)}\n`);
    await writeFile(join(this.options.dir, 'index.html'), traceViewerHtml(timeline));
    return { path: this.options.dir, actions: this.actions.length, ...(video ? { video } : {}) };
  }

  private async screenshot(index: number, when: 'before' | 'after'): Promise<string | undefined> {
    if (this.screenshots >= TRACE_LIMITS.maxScreenshots) {
      this.truncated ??= `screenshots stop after ${TRACE_LIMITS.maxScreenshots}`;
      return undefined;
    }
    try {
      const { width, height } = await this.desktop.screenSize();
      const image = await this.desktop.capture(undefined, {
        format: 'jpeg',
        quality: TRACE_LIMITS.screenshotQuality,
        width,
        height,
      });
      const file = `screenshots/${String(index).padStart(4, '0')}-${when}.jpg`;
      await writeFile(join(this.options.dir, file), image.data);
      this.screenshots += 1;
      return file;
    } catch {
      // The display is gone: the action is traced without its frame.
      return undefined;
    }
  }
}
