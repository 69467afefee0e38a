import { z } from 'zod';
import { normalizeKey, resolveHotkey } from '../keys.js';
import { defineCommand } from './define.js';
import { observable, ObservedResultSchema } from './observe.js';

export const KeyNameSchema = z
  .string()
  .refine((key) => normalizeKey(key) !== null, {
    error: (issue) => `Unknown key: ${String(issue.input)}`,
  })
  .describe('A key name (enter, ctrl, page_down, f5, …) or a single character.');

export const KeyParamsSchema = z.object({ key: KeyNameSchema });
export type KeyParams = z.input<typeof KeyParamsSchema>;

export const TypeTextParamsSchema = z.object({ text: z.string() });
export type TypeTextParams = z.input<typeof TypeTextParamsSchema>;

export const HotkeyParamsSchema = z.object({
  keys: z
    .union([z.array(z.string()).min(1, 'keys is empty'), z.string().min(1)])
    .superRefine((keys, ctx) => {
      const resolved = resolveHotkey(keys);
      if (!resolved.ok)
        ctx.addIssue({ code: 'custom', message: `Unknown key in hotkey: ${resolved.unknown}` });
    })
    .describe('Keys pressed together, e.g. ["ctrl", "c"] or "ctrl+c".'),
});
export type HotkeyParams = z.input<typeof HotkeyParamsSchema>;

export const keyboardCommands = {
  key_down: defineCommand({
    group: 'keyboard',
    kind: 'input',
    description: 'Press and hold a key.',
    params: observable(KeyParamsSchema),
    result: ObservedResultSchema,
  }),
  key_up: defineCommand({
    group: 'keyboard',
    kind: 'input',
    description: 'Release a key.',
    params: observable(KeyParamsSchema),
    result: ObservedResultSchema,
  }),
  type_text: defineCommand({
    group: 'keyboard',
    kind: 'input',
    description: 'Type the exact Unicode text, whatever the keyboard layout.',
    params: observable(TypeTextParamsSchema),
    result: ObservedResultSchema,
  }),
  press_key: defineCommand({
    group: 'keyboard',
    kind: 'input',
    description: 'Press and release one key.',
    params: observable(KeyParamsSchema),
    result: ObservedResultSchema,
  }),
  hotkey: defineCommand({
    group: 'keyboard',
    kind: 'input',
    description: 'Hold the keys in order, then release them in reverse order.',
    params: observable(HotkeyParamsSchema),
    result: ObservedResultSchema,
  }),
};
