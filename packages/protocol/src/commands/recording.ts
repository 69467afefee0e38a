import { z } from 'zod';
import { EmptySchema, PathParamSchema } from './common.js';
import { defineCommand } from './define.js';

/** Bounds a recording may not exceed, whatever it asks for. */
export const RECORDING_LIMITS = {
  maxFps: 30,
  maxDurationS: 6 * 3600,
  defaultMaxDurationS: 3600,
  /** The file stops growing here... */
  defaultMaxBytes: 2 * 1024 ** 3,
  /** ...and the recording stops while its disk has less than this left. */
  minFreeBytes: 1024 ** 3,
} as const;

export const StartRecordingParamsSchema = z.object({
  path: PathParamSchema.optional().describe(
    'Where the MP4 goes; a new file in the temporary folder by default.',
  ),
  fps: z.number().int().min(1).max(RECORDING_LIMITS.maxFps).default(15),
  scale: z.number().gt(0).max(1).default(1).describe('Output size relative to the screen.'),
  with_cursor: z.boolean().default(true),
  max_duration_s: z
    .number()
    .gt(0)
    .max(RECORDING_LIMITS.maxDurationS)
    .default(RECORDING_LIMITS.defaultMaxDurationS),
});
export type StartRecordingParams = z.input<typeof StartRecordingParamsSchema>;

const RecordingSummarySchema = z.object({
  path: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  fps: z.number().int(),
  frames: z.number().int(),
  late_frames: z.number().int(),
  repeated_frames: z.number().int(),
  duration_s: z.number(),
  bytes: z.number().int(),
  reason: z.string(),
});

export const recordingCommands = {
  start_recording: defineCommand({
    group: 'observability',
    kind: 'effect',
    extension: true,
    description:
      'Start recording the screen to an MP4 (H.264); one recording at a time. It stops by itself at max_duration_s, 2 GiB, or when its disk has under 1 GiB free.',
    params: StartRecordingParamsSchema,
    result: z.object({
      path: z.string(),
      width: z.number().int(),
      height: z.number().int(),
      fps: z.number().int(),
    }),
  }),
  stop_recording: defineCommand({
    group: 'observability',
    kind: 'effect',
    extension: true,
    description:
      'Stop the recording (or report the one that stopped by itself): the finished file and what it holds.',
    params: EmptySchema,
    result: RecordingSummarySchema,
  }),
};
