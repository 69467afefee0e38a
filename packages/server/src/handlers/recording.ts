import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { RECORDING_LIMITS } from '@cua/computer-protocol';
import { CommandError } from '../core/command-error.js';
import type { Desktop } from '../desktop/desktop.js';
import {
  freeBytes,
  ScreenRecorder,
  type RecordingSummary,
} from '../desktop/media/screen-recorder.js';
import { fileError } from '../files/fs-error.js';
import { describeBytes } from '../core/limits.js';
import { resolveUserPath } from '../files/user-path.js';
import type { Handler } from './types.js';

export interface RecordingHandlerOptions {
  /** The environment ffmpeg runs in. */
  env: NodeJS.ProcessEnv;
}

/**
 * `start_recording` / `stop_recording`: one recording per server. One that stopped by itself
 * (its duration or size limit, a full disk, shutdown) is reported by the next `stop_recording`.
 */
export function recordingHandlers(
  desktop: Desktop,
  options: RecordingHandlerOptions,
): { start_recording: Handler<'start_recording'>; stop_recording: Handler<'stop_recording'> } {
  let current: ScreenRecorder | undefined;
  let ended: RecordingSummary | undefined;
  desktop.beforeClose(async () => {
    await current?.stop('shutdown').catch(() => undefined);
  });
  return {
    start_recording: async (params) => {
      if (current !== undefined) {
        throw new CommandError(
          'command_failed',
          `A recording is already running (${current.path}): stop it first`,
        );
      }
      const path = params.path
        ? resolveUserPath(params.path)
        : join(tmpdir(), `cua-recording-${new Date().toISOString().replace(/[:.]/g, '-')}.mp4`);
      try {
        await stat(dirname(path));
      } catch (err) {
        throw fileError(err, dirname(path));
      }
      const free = await freeBytes(path);
      if (free < RECORDING_LIMITS.minFreeBytes) {
        throw new CommandError(
          'command_failed',
          `Not recording: the disk for ${path} has ${describeBytes(free)} free, under the ` +
            `${describeBytes(RECORDING_LIMITS.minFreeBytes)} a recording keeps free`,
        );
      }
      ended = undefined;
      const recorder = await ScreenRecorder.start(
        desktop,
        {
          path,
          fps: params.fps,
          scale: params.scale,
          withCursor: params.with_cursor && desktop.capabilities.cursorImage,
          maxDurationMs: params.max_duration_s * 1000,
          maxBytes: RECORDING_LIMITS.defaultMaxBytes,
          minFreeBytes: RECORDING_LIMITS.minFreeBytes,
          env: options.env,
        },
        (summary) => {
          if (current === recorder) current = undefined;
          if (summary.reason !== 'stopped') ended = summary;
        },
      );
      current = recorder;
      return { path, ...recorder.dimensions, fps: params.fps };
    },
    stop_recording: async () => {
      if (current !== undefined) {
        const summary = await current.stop();
        ended = undefined;
        return summary;
      }
      if (ended !== undefined) {
        const summary = ended;
        ended = undefined;
        return summary;
      }
      throw new CommandError('not_found', 'No recording is running');
    },
  };
}
