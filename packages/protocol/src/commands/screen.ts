import { z } from 'zod';
import { EmptySchema, MonitorSchema, PointSchema, SizeSchema } from './common.js';
import { defineCommand } from './define.js';

export const ImageFormatSchema = z
  .string()
  .toLowerCase()
  .pipe(z.enum(['png', 'jpeg', 'jpg', 'webp']))
  .describe('png, jpeg (or jpg) or webp; case-insensitive.');

/** What an image is encoded as; `jpg` is only a spelling `ImageFormatSchema` accepts. */
export const EncodedImageFormatSchema = z.enum(['png', 'jpeg', 'webp']);
export type ImageFormat = z.infer<typeof EncodedImageFormatSchema>;

export const RegionSchema = z.object({
  x: z.number().int().min(0),
  y: z.number().int().min(0),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});
/** A rectangle of the screen, in screen pixels. */
export type Region = z.infer<typeof RegionSchema>;

export const ScreenshotParamsSchema = z.object({
  format: ImageFormatSchema.default('png'),
  quality: z
    .number()
    .int()
    .default(95)
    .transform((q) => Math.min(95, Math.max(1, q)))
    .describe('JPEG/WebP quality, clamped to 1..95.'),
  region: RegionSchema.optional().describe('Extension: capture only this part of the screen.'),
  scale: z.number().positive().max(1).optional().describe('Extension: shrink by this factor.'),
  max_width: z.number().int().positive().optional().describe('Extension: shrink to fit.'),
  max_height: z.number().int().positive().optional().describe('Extension: shrink to fit.'),
});
export type ScreenshotParams = z.input<typeof ScreenshotParamsSchema>;

export const ScreenshotResultSchema = z.object({
  image_data: z.string().describe('Standard base64 of the encoded image.'),
  format: EncodedImageFormatSchema,
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  scale: z.number().optional().describe('Image pixels per screen pixel.'),
});
export type ScreenshotResult = z.infer<typeof ScreenshotResultSchema>;

export const CoordinatesParamsSchema = z.object({
  x: z.number().finite(),
  y: z.number().finite(),
  scale: z
    .number()
    .positive()
    .optional()
    .describe('Screenshot scale to convert with; defaults to the last screenshot of the session.'),
});
export type CoordinatesParams = z.input<typeof CoordinatesParamsSchema>;

const CoordinatesResultSchema = z.object({ coordinates: z.tuple([z.number(), z.number()]) });

export const screenCommands = {
  screenshot: defineCommand({
    group: 'screen',
    kind: 'read',
    description: 'Capture the screen as a base64 PNG (default), JPEG or WebP.',
    params: ScreenshotParamsSchema,
    result: ScreenshotResultSchema,
  }),
  get_cursor_position: defineCommand({
    group: 'screen',
    kind: 'read',
    description: 'The pointer position in screen pixels.',
    params: EmptySchema,
    result: z.object({ position: PointSchema }),
  }),
  get_screen_size: defineCommand({
    group: 'screen',
    kind: 'read',
    description: 'The screen size in pixels, and (extension) each monitor on it.',
    params: EmptySchema,
    result: z.object({
      size: SizeSchema,
      scale_factor: z.number().optional(),
      monitors: z.array(MonitorSchema).optional(),
    }),
  }),
  to_screen_coordinates: defineCommand({
    group: 'screen',
    kind: 'read',
    description: 'Convert screenshot pixel coordinates to screen coordinates.',
    params: CoordinatesParamsSchema,
    result: CoordinatesResultSchema,
    extension: true,
  }),
  to_screenshot_coordinates: defineCommand({
    group: 'screen',
    kind: 'read',
    description: 'Convert screen coordinates to screenshot pixel coordinates.',
    params: CoordinatesParamsSchema,
    result: CoordinatesResultSchema,
    extension: true,
  }),
};
