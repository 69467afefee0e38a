import { z } from 'zod';
import { defineCommand } from './define.js';
import { observable, ObservedResultSchema } from './observe.js';

/**
 * Wheel notches one command may send, each way. A page is a few notches; 1,000 scroll through
 * any document, and a larger count (1e9 once held all input for 15 s) is refused up front.
 */
export const MAX_SCROLL_NOTCHES = 1000;

const NotchesSchema = z.number().int().min(-MAX_SCROLL_NOTCHES).max(MAX_SCROLL_NOTCHES);
const ClicksSchema = NotchesSchema.default(1).describe(
  `Wheel notches (at most ${MAX_SCROLL_NOTCHES}).`,
);

export const ScrollParamsSchema = z.object({
  x: NotchesSchema.describe('Horizontal notches: > 0 right, < 0 left.'),
  y: NotchesSchema.describe('Vertical notches: > 0 up, < 0 down.'),
});
export type ScrollParams = z.input<typeof ScrollParamsSchema>;

export const ScrollClicksParamsSchema = z.object({ clicks: ClicksSchema });
export type ScrollClicksParams = z.input<typeof ScrollClicksParamsSchema>;

export const ScrollDirectionParamsSchema = z.object({
  direction: z
    .string()
    .toLowerCase()
    .pipe(z.enum(['up', 'down', 'left', 'right'])),
  clicks: ClicksSchema,
});
export type ScrollDirectionParams = z.input<typeof ScrollDirectionParamsSchema>;

export const scrollCommands = {
  scroll: defineCommand({
    group: 'scroll',
    kind: 'input',
    description: 'Scroll by wheel notches at the pointer position.',
    params: observable(ScrollParamsSchema),
    result: ObservedResultSchema,
  }),
  scroll_down: defineCommand({
    group: 'scroll',
    kind: 'input',
    description: 'Scroll down by |clicks| notches.',
    params: observable(ScrollClicksParamsSchema),
    result: ObservedResultSchema,
  }),
  scroll_up: defineCommand({
    group: 'scroll',
    kind: 'input',
    description: 'Scroll up by |clicks| notches.',
    params: observable(ScrollClicksParamsSchema),
    result: ObservedResultSchema,
  }),
  scroll_direction: defineCommand({
    group: 'scroll',
    kind: 'input',
    description:
      'Scroll one notch per click in a direction (upstream scrolls 300 per click sideways).',
    params: observable(ScrollDirectionParamsSchema),
    result: ObservedResultSchema,
  }),
};
