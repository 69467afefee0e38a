import { z } from 'zod';
import { defineCommand } from './define.js';

export const RunCommandParamsSchema = z.object({
  command: z.string().min(1),
  timeout: z.number().positive().optional().describe('Seconds; none by default (upstream).'),
  stream: z
    .boolean()
    .optional()
    .describe(
      'Extension: send output as `output` events before the reply. Honoured only on /ws for a ' +
        'request with an `id`; ignored otherwise (the reply is the usual single frame).',
    ),
});
export type RunCommandParams = z.input<typeof RunCommandParamsSchema>;

export const RunCommandResultSchema = z.object({
  stdout: z.string(),
  stderr: z.string(),
  return_code: z.number().int(),
  /** Our extension: output was cut at the server's cap. */
  truncated: z.boolean().optional(),
});
export type RunCommandResult = z.infer<typeof RunCommandResultSchema>;

export const shellCommands = {
  run_command: defineCommand({
    group: 'shell',
    kind: 'effect',
    description: 'Run a command through the platform shell; a non-zero exit is still a success.',
    params: RunCommandParamsSchema,
    result: RunCommandResultSchema,
  }),
};
