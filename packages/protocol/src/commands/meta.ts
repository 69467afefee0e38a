import { z } from 'zod';
import { EmptySchema } from './common.js';
import { defineCommand } from './define.js';

export const VersionResultSchema = z.object({
  protocol: z.number().int(),
  package: z.string(),
  /** Our extension: capabilities such as `request-id`; absent on upstream servers. */
  features: z.array(z.string()).optional(),
});
export type VersionResult = z.infer<typeof VersionResultSchema>;

export const metaCommands = {
  version: defineCommand({
    group: 'meta',
    kind: 'read',
    description: 'Protocol generation, server package version and supported features.',
    params: EmptySchema,
    result: VersionResultSchema,
  }),
};
