import { z } from 'zod';
import { BoundsSchema, EmptySchema, WindowIdSchema } from './common.js';
import { defineCommand } from './define.js';

const WindowParamsSchema = z.object({ window_id: WindowIdSchema });

export const LaunchParamsSchema = z.object({
  app: z.string().min(1),
  args: z
    .array(z.string())
    .optional()
    .describe('Without args, app runs through the shell; with args, it is executed directly.'),
});
export type LaunchParams = z.input<typeof LaunchParamsSchema>;

export const SetWindowSizeParamsSchema = z.object({
  window_id: WindowIdSchema,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});
export type SetWindowSizeParams = z.input<typeof SetWindowSizeParamsSchema>;

export const SetWindowPositionParamsSchema = z.object({
  window_id: WindowIdSchema,
  x: z.number().int(),
  y: z.number().int(),
});
export type SetWindowPositionParams = z.input<typeof SetWindowPositionParamsSchema>;

const windowAction = (description: string) =>
  defineCommand({
    group: 'windows',
    kind: 'effect',
    description,
    params: WindowParamsSchema,
    result: EmptySchema,
  });

export const windowsCommands = {
  open: defineCommand({
    group: 'windows',
    kind: 'effect',
    description: 'Open a URL in the default browser or a file with its default application.',
    params: z.object({ target: z.string().min(1) }),
    result: EmptySchema,
  }),
  launch: defineCommand({
    group: 'windows',
    kind: 'effect',
    description: 'Start an application without waiting for it; returns its pid.',
    params: LaunchParamsSchema,
    result: z.object({ pid: z.number().int() }),
  }),
  get_current_window_id: defineCommand({
    group: 'windows',
    kind: 'read',
    description: 'The id of the active window.',
    params: EmptySchema,
    result: z.object({ window_id: WindowIdSchema }),
  }),
  get_application_windows: defineCommand({
    group: 'windows',
    kind: 'read',
    description: 'Ids of the windows whose title, class or process name contains app (any case).',
    params: z.object({ app: z.string() }),
    result: z.object({ windows: z.array(WindowIdSchema) }),
  }),
  get_window_name: defineCommand({
    group: 'windows',
    kind: 'read',
    description: 'The title of a window.',
    params: WindowParamsSchema,
    result: z.object({ name: z.string() }),
  }),
  get_window_size: defineCommand({
    group: 'windows',
    kind: 'read',
    description: 'Width and height of a window.',
    params: WindowParamsSchema,
    result: z.object({ width: z.number().int(), height: z.number().int() }),
  }),
  get_window_position: defineCommand({
    group: 'windows',
    kind: 'read',
    description: 'Top-left corner of a window on the screen.',
    params: WindowParamsSchema,
    result: z.object({ x: z.number().int(), y: z.number().int() }),
  }),
  set_window_size: defineCommand({
    group: 'windows',
    kind: 'effect',
    description: 'Resize a window.',
    params: SetWindowSizeParamsSchema,
    result: EmptySchema,
  }),
  set_window_position: defineCommand({
    group: 'windows',
    kind: 'effect',
    description: 'Move a window.',
    params: SetWindowPositionParamsSchema,
    result: EmptySchema,
  }),
  maximize_window: windowAction('Maximize a window.'),
  minimize_window: windowAction('Minimize (iconify) a window.'),
  activate_window: windowAction('Raise and focus a window.'),
  close_window: windowAction('Ask a window to close.'),
  get_active_window_bounds: defineCommand({
    group: 'windows',
    kind: 'read',
    description: 'Position and size of the active window (called by the Python client).',
    params: EmptySchema,
    result: z.object({ bounds: BoundsSchema }),
    extension: true,
  }),
};
