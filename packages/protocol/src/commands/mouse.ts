import { z } from 'zod';
import { CoordinateSchema, MouseButtonSchema } from './common.js';
import { defineCommand } from './define.js';
import { observable, ObservedResultSchema } from './observe.js';

/** `x` and `y` are used only when both are given; otherwise the action happens in place. */
export const OptionalPointParamsSchema = z.object({
  x: CoordinateSchema.optional(),
  y: CoordinateSchema.optional(),
});
export type OptionalPointParams = z.input<typeof OptionalPointParamsSchema>;

export const MouseButtonParamsSchema = OptionalPointParamsSchema.extend({
  button: MouseButtonSchema.default('left'),
});
export type MouseButtonParams = z.input<typeof MouseButtonParamsSchema>;

export const MoveCursorParamsSchema = z.object({ x: CoordinateSchema, y: CoordinateSchema });
export type MoveCursorParams = z.input<typeof MoveCursorParamsSchema>;

const DurationSchema = z.number().min(0).max(60).default(0.5).describe('Seconds.');

export const DragToParamsSchema = z.object({
  x: CoordinateSchema,
  y: CoordinateSchema,
  button: MouseButtonSchema.default('left'),
  duration: DurationSchema,
});
export type DragToParams = z.input<typeof DragToParamsSchema>;

export const DragParamsSchema = z.object({
  path: z
    .array(z.tuple([CoordinateSchema, CoordinateSchema]))
    .min(1, 'Path is empty')
    .describe('Points as [x, y] pairs.'),
  button: MouseButtonSchema.default('left'),
  duration: DurationSchema,
});
export type DragParams = z.input<typeof DragParamsSchema>;

const click = (description: string, extension?: true) =>
  defineCommand({
    group: 'mouse',
    kind: 'input',
    description,
    params: observable(OptionalPointParamsSchema),
    result: ObservedResultSchema,
    ...(extension ? { extension } : {}),
  });

export const mouseCommands = {
  mouse_down: defineCommand({
    group: 'mouse',
    kind: 'input',
    description: 'Press a mouse button (optionally after moving to x, y).',
    params: observable(MouseButtonParamsSchema),
    result: ObservedResultSchema,
  }),
  mouse_up: defineCommand({
    group: 'mouse',
    kind: 'input',
    description: 'Release a mouse button (optionally after moving to x, y).',
    params: observable(MouseButtonParamsSchema),
    result: ObservedResultSchema,
  }),
  left_click: click('Left click, at x, y when both are given.'),
  right_click: click('Right click, at x, y when both are given.'),
  double_click: click('Double left click, at x, y when both are given.'),
  move_cursor: defineCommand({
    group: 'mouse',
    kind: 'input',
    description: 'Move the pointer to x, y.',
    params: observable(MoveCursorParamsSchema),
    result: ObservedResultSchema,
  }),
  drag_to: defineCommand({
    group: 'mouse',
    kind: 'input',
    description: 'Press at the pointer, move to x, y over duration seconds, release.',
    params: observable(DragToParamsSchema),
    result: ObservedResultSchema,
  }),
  drag: defineCommand({
    group: 'mouse',
    kind: 'input',
    description: 'Press at the first point, follow the path over duration seconds, release.',
    params: observable(DragParamsSchema),
    result: ObservedResultSchema,
  }),
  middle_click: click('Middle click, at x, y when both are given.', true),
};
