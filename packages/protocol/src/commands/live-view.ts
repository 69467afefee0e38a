import { z } from 'zod';
import { EmptySchema } from './common.js';
import { defineCommand } from './define.js';
import { EncodedImageFormatSchema } from './screen.js';

export const SubscribeFramesParamsSchema = z.object({
  // Its default first, as `GET /commands` has always listed them.
  format: EncodedImageFormatSchema.extract(['jpeg', 'png', 'webp']).default('jpeg'),
  quality: z.number().int().min(1).max(95).default(70),
  max_width: z.number().int().positive().optional(),
  fps: z.number().int().min(1).max(60).default(30),
});
export type SubscribeFramesParams = z.input<typeof SubscribeFramesParamsSchema>;

/** An interim event of `subscribe_frames`: one frame of the screen. */
export const FrameEventSchema = z.object({
  event: z.literal('frame'),
  seq: z.number().int(),
  format: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  /** From the first change this frame shows to the frame being ready, in milliseconds. */
  latency_ms: z.number(),
  /** Base64, or "" when the bytes came raw in a binary frame (`binary-images`). */
  image_data: z.string(),
});
export type FrameEvent = z.infer<typeof FrameEventSchema>;

export const liveViewCommands = {
  subscribe_frames: defineCommand({
    group: 'observability',
    kind: 'read',
    extension: true,
    longRunning: true,
    description:
      'Stream frames of the screen as `frame` events of this request (it needs an id, on /ws) whenever the screen changed, at most fps a second; a slow reader gets fewer frames. Replies when unsubscribed or the socket closes.',
    params: SubscribeFramesParamsSchema,
    result: z.object({ frames: z.number().int() }),
  }),
  unsubscribe_frames: defineCommand({
    group: 'observability',
    kind: 'read',
    extension: true,
    description: "Ends this connection's frame streams; each then replies with its frame count.",
    params: EmptySchema,
    result: z.object({ stopped: z.number().int() }),
  }),
  take_control: defineCommand({
    group: 'observability',
    kind: 'effect',
    extension: true,
    description:
      'A person takes over: input commands from other connections fail with code "paused" until this connection calls release_control or closes.',
    params: EmptySchema,
    result: EmptySchema,
  }),
  release_control: defineCommand({
    group: 'observability',
    kind: 'effect',
    extension: true,
    description: 'Hands input back to the agents.',
    params: EmptySchema,
    result: EmptySchema,
  }),
};
