import { z } from 'zod';
import { normalizeKey, resolveHotkey } from '../keys.js';
import { defineCommand } from './define.js';
import { observable, ObservedResultSchema } from './observe.js';

/** Parses to the key's one canonical form, so handlers never meet a spelling or an unknown key. */
// Described before the transform: the JSON Schema (the input side) then reads as it always has.
export const KeyNameSchema = z
  .string()
  .describe('A key name (enter, ctrl, page_down, f5, …) or a single character.')
  .transform((key, ctx) => {
    const normalized = normalizeKey(key);
    if (normalized === null) ctx.addIssue({ code: 'custom', message: `Unknown key: ${key}` });
    return normalized ?? z.NEVER;
  });

export const KeyParamsSchema = z.object({ key: KeyNameSchema });
export type KeyParams = z.input<typeof KeyParamsSchema>;

export const TypeTextParamsSchema = z.object({ text: z.string() });
export type TypeTextParams = z.input<typeof TypeTextParamsSchema>;

export const HotkeyParamsSchema = z.object({
  keys: z
    .union([z.array(z.string()).min(1, 'keys is empty'), z.string().min(1)])
    .describe('Keys pressed together, e.g. ["ctrl", "c"] or "ctrl+c".')
    .transform((keys, ctx) => {
      const resolved = resolveHotkey(keys);
      if (resolved.ok) return resolved.keys;
      ctx.addIssue({ code: 'custom', message: `Unknown key in hotkey: ${resolved.unknown}` });
      return z.NEVER;
    }),
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
