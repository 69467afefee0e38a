import { z } from 'zod';
import { EmptySchema } from './common.js';
import { defineCommand } from './define.js';

export const FindElementParamsSchema = z.object({
  role: z.string().optional(),
  title: z.string().optional(),
  value: z.string().optional(),
});
export type FindElementParams = z.input<typeof FindElementParamsSchema>;

export const accessibilityCommands = {
  get_accessibility_tree: defineCommand({
    group: 'accessibility',
    kind: 'read',
    description: 'The accessibility tree of the desktop (shape differs per OS upstream).',
    params: EmptySchema,
    result: z.looseObject({ tree: z.unknown().optional() }),
  }),
  find_element: defineCommand({
    group: 'accessibility',
    kind: 'read',
    description: 'Find one UI element by role, title or value.',
    params: FindElementParamsSchema,
    result: z.looseObject({ element: z.unknown().optional() }),
  }),
};
