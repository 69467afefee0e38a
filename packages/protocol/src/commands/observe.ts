import { z } from 'zod';
import { defineCommand } from './define.js';
import { ScreenshotParamsSchema, ScreenshotResultSchema } from './screen.js';

/**
 * Quiet time that counts as settled. Well below the gaps of a blinking caret (GTK: 400 ms off,
 * 800 ms on) or a ticking clock, so they alone never keep a screen unsettled; long enough to
 * span the frames of one repaint.
 */
export const DEFAULT_QUIET_MS = 100;
export const DEFAULT_OBSERVE_TIMEOUT_MS = 3000;
/** Far below the server's command timeout, so a settle wait never turns into `timeout`. */
export const MAX_OBSERVE_TIMEOUT_MS = 60_000;

/** The settle wait, then the screenshot options of `screenshot` (same names, same defaults). */
export const ObserveOptionsSchema = ScreenshotParamsSchema.extend({
  quiet_ms: z
    .number()
    .int()
    .min(0)
    .max(MAX_OBSERVE_TIMEOUT_MS)
    .default(DEFAULT_QUIET_MS)
    .describe('Settled once the screen has not changed for this long (ms).'),
  timeout_ms: z
    .number()
    .int()
    .min(0)
    .max(MAX_OBSERVE_TIMEOUT_MS)
    .default(DEFAULT_OBSERVE_TIMEOUT_MS)
    .describe('Take the screenshot after this long (ms) even if the screen is still changing.'),
});
export type ObserveOptions = z.input<typeof ObserveOptionsSchema>;
export type ResolvedObserveOptions = z.output<typeof ObserveOptionsSchema>;

/** `true`: the defaults; `false` or absent: no observation. */
export const ObserveParamSchema = z
  .union([z.boolean(), ObserveOptionsSchema])
  .transform((value) => (value === true ? ObserveOptionsSchema.parse({}) : value || undefined))
  .describe(
    'Extension: after the action, wait for the screen to settle and add a screenshot as observation.',
  );

export const ObservationSchema = ScreenshotResultSchema.extend({
  width: z.number().int(),
  height: z.number().int(),
  scale: z.number().describe('Image pixels per screen pixel.'),
  settled: z
    .boolean()
    .describe('The screen was quiet for quiet_ms; false when timeout_ms ended the wait.'),
  settle_ms: z
    .number()
    .describe('From the end of the action until the screen went quiet (or the wait ended).'),
  changed: z.boolean().describe('The screen was drawn on after the action began.'),
});
export type Observation = z.infer<typeof ObservationSchema>;

/** An input command's params, plus `observe`. */
export function observable<S extends z.core.$ZodShape, C extends z.core.$ZodObjectConfig>(
  params: z.ZodObject<S, C>,
) {
  return params.extend({ observe: ObserveParamSchema.optional() });
}

/** An input command's result: nothing, or the observation it was asked for. */
export const ObservedResultSchema = z.object({ observation: ObservationSchema.optional() });

export const observeCommands = {
  observe: defineCommand({
    group: 'agent',
    kind: 'read',
    description:
      'Wait until the screen has not changed for quiet_ms (at most timeout_ms), then take a screenshot.',
    params: ObserveOptionsSchema,
    result: ObservationSchema,
    extension: true,
  }),
};
