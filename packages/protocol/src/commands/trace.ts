import { z } from 'zod';
import { EmptySchema, PathParamSchema } from './common.js';
import { defineCommand } from './define.js';

export const traceCommands = {
  start_trace: defineCommand({
    group: 'observability',
    kind: 'effect',
    extension: true,
    description:
      'Start tracing this server: every command (time, redacted params, duration, reply), a screenshot before and after each input action, and the screen as video. One trace at a time.',
    params: z.object({
      path: PathParamSchema.optional().describe(
        'The folder the trace goes to (created); a new one in the temporary folder by default.',
      ),
      video: z.boolean().default(true),
    }),
    result: z.object({ path: z.string() }),
  }),
  stop_trace: defineCommand({
    group: 'observability',
    kind: 'effect',
    extension: true,
    description:
      'Stop tracing and write the trace folder: trace.json, screenshots/, video.mp4 and a self-contained index.html viewer.',
    params: EmptySchema,
    result: z.object({ path: z.string(), viewer: z.string(), actions: z.number().int() }),
  }),
};
