import { z } from 'zod';
import { EmptySchema, PathParamSchema } from './common.js';
import { defineCommand } from './define.js';

const PathOnlySchema = z.object({ path: PathParamSchema });
const ExistsSchema = z.object({ exists: z.boolean() });

export const ReadBytesParamsSchema = z.object({
  path: PathParamSchema,
  offset: z.number().int().default(0).describe('Byte offset; 0 or less means the start.'),
  length: z.number().int().optional().describe('Bytes to read; omitted or negative means to EOF.'),
});
export type ReadBytesParams = z.input<typeof ReadBytesParamsSchema>;

export const WriteBytesParamsSchema = z.object({
  path: PathParamSchema,
  content_b64: z.string().describe('Standard base64 with padding.'),
  append: z.boolean().default(false),
});
export type WriteBytesParams = z.input<typeof WriteBytesParamsSchema>;

export const WriteTextParamsSchema = z.object({ path: PathParamSchema, content: z.string() });
export type WriteTextParams = z.input<typeof WriteTextParamsSchema>;

export const filesCommands = {
  file_exists: defineCommand({
    group: 'files',
    kind: 'read',
    description: 'Whether a regular file exists at the path (false for directories).',
    params: PathOnlySchema,
    result: ExistsSchema,
  }),
  directory_exists: defineCommand({
    group: 'files',
    kind: 'read',
    description: 'Whether a directory exists at the path.',
    params: PathOnlySchema,
    result: ExistsSchema,
  }),
  list_dir: defineCommand({
    group: 'files',
    kind: 'read',
    description: 'Names of the files and directories in a directory.',
    params: PathOnlySchema,
    result: z.object({ files: z.array(z.string()) }),
  }),
  read_text: defineCommand({
    group: 'files',
    kind: 'read',
    description: 'A UTF-8 text file, newlines normalised to \\n.',
    params: PathOnlySchema,
    result: z.object({ content: z.string() }),
  }),
  write_text: defineCommand({
    group: 'files',
    kind: 'effect',
    description: 'Create or replace a text file (the parent directory must exist).',
    params: WriteTextParamsSchema,
    result: EmptySchema,
  }),
  read_bytes: defineCommand({
    group: 'files',
    kind: 'read',
    description: 'A byte range of a file, base64-encoded.',
    params: ReadBytesParamsSchema,
    result: z.object({ content_b64: z.string() }),
  }),
  write_bytes: defineCommand({
    group: 'files',
    kind: 'effect',
    description: 'Write (or append) base64-encoded bytes to a file.',
    params: WriteBytesParamsSchema,
    result: EmptySchema,
  }),
  get_file_size: defineCommand({
    group: 'files',
    kind: 'read',
    description: 'Size in bytes (plain stat size; works on directories too).',
    params: PathOnlySchema,
    result: z.object({ size: z.number().int() }),
  }),
  delete_file: defineCommand({
    group: 'files',
    kind: 'effect',
    description: 'Delete a file (not a directory).',
    params: PathOnlySchema,
    result: EmptySchema,
  }),
  create_dir: defineCommand({
    group: 'files',
    kind: 'effect',
    description: 'Create a directory and its parents; an existing one is fine.',
    params: PathOnlySchema,
    result: EmptySchema,
  }),
  delete_dir: defineCommand({
    group: 'files',
    kind: 'effect',
    description: 'Delete an empty directory.',
    params: PathOnlySchema,
    result: EmptySchema,
  }),
};
