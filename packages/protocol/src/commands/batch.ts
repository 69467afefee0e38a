import { z } from 'zod';
import { defineCommand, type CommandSpec } from './define.js';
import { ObservationSchema, ObserveParamSchema } from './observe.js';

/** Enough for any step of an agent; a longer list would hold everyone's input for long. */
export const MAX_BATCH_ACTIONS = 100;

/** One reply per action that ran: `{success: true, …}` or the failure envelope. */
export const BatchReplySchema = z.looseObject({
  success: z.boolean(),
  error: z.string().optional(),
  code: z.string().optional(),
});
export type BatchReply = z.infer<typeof BatchReplySchema>;

/**
 * `batch`, whose actions are the input commands of `registry` (canonical names only: aliases are
 * for old clients, which never send batch). Built from the registry so that a new input command
 * is batchable without a second list.
 */
export function batchCommands(registry: Record<string, CommandSpec>) {
  const names = Object.keys(registry).filter((name) => registry[name]!.kind === 'input');
  const ActionSchema = z.object({
    command: z.enum(names as [string, ...string[]]),
    params: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("The command's own params; observe the whole batch instead of one action."),
  });
  return {
    batch: defineCommand({
      group: 'agent',
      kind: 'input',
      description:
        'Run input actions in order as one unit (no other input interleaves), then optionally observe.',
      params: z.object({
        actions: z.array(ActionSchema).min(1, 'actions is empty').max(MAX_BATCH_ACTIONS),
        observe: ObserveParamSchema.optional(),
        stop_on_error: z
          .boolean()
          .default(true)
          .describe('The first failed action ends the batch; the rest do not run.'),
      }),
      result: z.object({
        results: z.array(BatchReplySchema).describe('One reply per action that ran, in order.'),
        observation: ObservationSchema.optional(),
      }),
      extension: true,
    }),
  };
}
