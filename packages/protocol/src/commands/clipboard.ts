import { z } from 'zod';
import { EmptySchema } from './common.js';
import { defineCommand } from './define.js';

export const clipboardCommands = {
  copy_to_clipboard: defineCommand({
    group: 'clipboard',
    kind: 'read',
    description: 'Read the clipboard text (despite its name, it does not copy a selection).',
    params: EmptySchema,
    result: z.object({ content: z.string() }),
  }),
  set_clipboard: defineCommand({
    group: 'clipboard',
    kind: 'effect',
    description: 'Put text on the clipboard.',
    params: z.object({ text: z.string() }),
    result: EmptySchema,
  }),
};
