import { z } from 'zod';
import { defineCommand } from './define.js';

export const DioramaCmdParamsSchema = z.object({
  action: z.string().min(1),
  arguments: z.record(z.string(), z.unknown()).optional(),
});
export type DioramaCmdParams = z.input<typeof DioramaCmdParamsSchema>;

export const dioramaCommands = {
  diorama_cmd: defineCommand({
    group: 'diorama',
    kind: 'effect',
    description: 'macOS-only app-scoped automation upstream; unsupported elsewhere.',
    params: DioramaCmdParamsSchema,
    result: z.object({ result: z.unknown().optional() }),
  }),
};
