import { z } from 'zod';
import { defineCommand } from './define.js';

const ClicksSchema = z.number().int().default(1).describe('Wheel notches.');

export const ScrollParamsSchema = z.object({
  x: z.number().int().describe('Horizontal notches: > 0 right, < 0 left.'),
  y: z.number().int().describe('Vertical notches: > 0 up, < 0 down.'),
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

const NoFieldsSchema = z.object({});

export const scrollCommands = {
  scroll: defineCommand({
    group: 'scroll',
    kind: 'input',
    description: 'Scroll by wheel notches at the pointer position.',
    params: ScrollParamsSchema,
    result: NoFieldsSchema,
  }),
  scroll_down: defineCommand({
    group: 'scroll',
    kind: 'input',
    description: 'Scroll down by |clicks| notches.',
    params: ScrollClicksParamsSchema,
    result: NoFieldsSchema,
  }),
  scroll_up: defineCommand({
    group: 'scroll',
    kind: 'input',
    description: 'Scroll up by |clicks| notches.',
    params: ScrollClicksParamsSchema,
    result: NoFieldsSchema,
  }),
  scroll_direction: defineCommand({
    group: 'scroll',
    kind: 'input',
    description:
      'Scroll one notch per click in a direction (upstream scrolls 300 per click sideways).',
    params: ScrollDirectionParamsSchema,
    result: NoFieldsSchema,
  }),
};
