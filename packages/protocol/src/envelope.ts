import { z } from 'zod';
import { ERROR_CODE_NAMES } from './errors.js';

/** Request ids are an extension: upstream clients never send one, so their replies stay FIFO. */
export const RequestIdSchema = z.union([z.string().max(256), z.number().finite()]);
export type RequestId = z.infer<typeof RequestIdSchema>;

export const RequestSchema = z.object({
  command: z.string().min(1, 'command must be a non-empty string'),
  params: z.record(z.string(), z.unknown()).optional(),
  id: RequestIdSchema.optional(),
});
export type Request = z.infer<typeof RequestSchema>;

export const ErrorCodeSchema = z.enum(ERROR_CODE_NAMES);

export const FailureReplySchema = z.looseObject({
  success: z.literal(false),
  error: z.string().min(1),
  code: ErrorCodeSchema.optional(),
  id: RequestIdSchema.optional(),
});
export type FailureReply = z.infer<typeof FailureReplySchema>;

/** A success reply is `{success: true, ...resultFields}`: result fields sit beside `success`. */
export const SuccessReplySchema = z.looseObject({
  success: z.literal(true),
  id: RequestIdSchema.optional(),
});
export type SuccessReply = z.infer<typeof SuccessReplySchema>;

/**
 * Upstream failures sometimes lack `error` (e.g. `open` with no browser) or use `message`
 * (`find_element`), so a client reading any server accepts a failure without `error`.
 */
export const LenientFailureReplySchema = z.looseObject({
  success: z.literal(false),
  error: z.string().optional(),
  message: z.string().optional(),
  code: z.string().optional(),
  id: RequestIdSchema.optional(),
});

export const ReplySchema = z.union([SuccessReplySchema, LenientFailureReplySchema]);
export type Reply = z.infer<typeof ReplySchema>;

/**
 * An interim frame of the `stream` extension: a piece of a request's output, sent before its
 * reply. Only requests that carry an `id` get these (on `/ws`), and the id is echoed so the
 * client knows whose output it is. It has no `success` key, which is how a client tells it from
 * the final reply: every reply has one. Pieces of one stream concatenate to that stream's output
 * (up to the server's cap); the final reply still carries all of it.
 */
export const OutputEventSchema = z.strictObject({
  id: RequestIdSchema,
  event: z.literal('output'),
  stream: z.enum(['stdout', 'stderr']),
  data: z.string(),
});
export type OutputEvent = z.infer<typeof OutputEventSchema>;

export const AuthenticateFrameSchema = z.object({
  command: z.literal('authenticate'),
  params: z.object({
    container_name: z.string(),
    api_key: z.string(),
  }),
  id: RequestIdSchema.optional(),
});
export type AuthenticateFrame = z.infer<typeof AuthenticateFrameSchema>;

/** Byte-compatible with upstream: clients compare these strings. */
export const AUTH_MESSAGES = {
  success: 'Authentication successful',
  failed: 'Authentication failed',
  firstMessage: 'First message must be authentication',
  apiKeyRequired: 'API key required',
  containerNameRequired: 'Container name required',
} as const;

/** The wire protocol generation announced by `version`; upstream has always said 1. */
export const PROTOCOL_VERSION = 1;
