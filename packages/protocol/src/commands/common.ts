import { z } from 'zod';

/** Screen pixels. Agents often compute coordinates as floats; they land on the nearest pixel. */
export const CoordinateSchema = z.number().finite().transform(Math.round);

export const MouseButtonSchema = z
  .enum(['left', 'right', 'middle'])
  .describe('Mouse button; upstream treats any other name as left, we reject it.');
export type MouseButtonName = z.infer<typeof MouseButtonSchema>;

export const PathParamSchema = z
  .string()
  .min(1)
  .describe('File path; `~` expands to the home folder.');

/** Native window handle (an X11 id on Linux); upstream compares ids as strings. */
export const WindowIdSchema = z.union([z.string().min(1), z.number().int()]);

/** No fields: the params of a command that takes none, the result of one that only succeeds. */
export const EmptySchema = z.object({});

export const PointSchema = z.object({ x: z.number(), y: z.number() });
export const SizeSchema = z.object({ width: z.number(), height: z.number() });

/** One monitor, in screen pixels (the space of `move_cursor`). */
export const BoundsSchema = z.object({
  x: z.number(),
  y: z.number(),
  width: z.number(),
  height: z.number(),
});
export type Bounds = z.infer<typeof BoundsSchema>;

/** One monitor, in screen pixels (the space of `move_cursor`). */
export const MonitorSchema = BoundsSchema.extend({ name: z.string(), primary: z.boolean() });
export type Monitor = z.infer<typeof MonitorSchema>;
