// Reads the envelope of a reply frame without zod, for the browser client. It accepts exactly
// what envelope.ts's schemas accept (ReplySchema, LenientFailureReplySchema, OutputEventSchema,
// RequestIdSchema); reply-envelope.test.ts checks the two against each other.
import type { ErrorCode } from './error-status.js';

/** RequestIdSchema's bound on string ids. */
export const MAX_REQUEST_ID_LENGTH = 256;

/** A request id as RequestIdSchema accepts it: a string of at most 256 units, or a finite number. */
export function isRequestId(value: unknown): value is string | number {
  if (typeof value === 'string') return value.length <= MAX_REQUEST_ID_LENGTH;
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * What a frame that answers a request is. `success` and `failure` are replies (a failure in
 * upstream's lenient forms too: without `error`, or with `message`); `output` is an interim
 * piece of output (the `stream` extension) and `event` any other interim frame (one without a
 * `success` key, such as a `subscribe_frames` frame); `invalid` is neither.
 */
export type ReplyEnvelope =
  | { kind: 'success'; id: string | number | undefined }
  | {
      kind: 'failure';
      id: string | number | undefined;
      /** The server's code as sent: one of ERROR_CODES, or a code this protocol does not know. */
      code: ErrorCode | (string & {}) | undefined;
      /** `error`, else upstream's `message`, when either is a non-empty string. */
      message: string | undefined;
    }
  | { kind: 'output'; id: string | number; stream: 'stdout' | 'stderr'; data: string }
  | { kind: 'event'; id: string | number | undefined }
  | { kind: 'invalid'; id: string | number | undefined; problem: string };

const FAILURE_TEXT_FIELDS = ['error', 'message', 'code'] as const;

/** Reads a parsed frame (the value of `JSON.parse`). */
export function readReplyEnvelope(frame: unknown): ReplyEnvelope {
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
    return { kind: 'invalid', id: undefined, problem: 'not a JSON object' };
  }
  const fields = frame as Record<string, unknown>;
  const rawId = fields.id;
  const id = isRequestId(rawId) ? rawId : undefined;
  if (!Object.hasOwn(fields, 'success')) return readInterim(fields, id);
  const invalid = (problem: string): ReplyEnvelope => ({ kind: 'invalid', id, problem });
  // An absent field and one set to undefined are the same to the schemas.
  if (rawId !== undefined && id === undefined) {
    return invalid('id is not a string of at most 256 characters or a finite number');
  }
  if (fields.success === true) return { kind: 'success', id };
  if (fields.success !== false) return invalid('success is not a boolean');
  for (const name of FAILURE_TEXT_FIELDS) {
    const value = fields[name];
    if (value !== undefined && typeof value !== 'string') return invalid(`${name} is not a string`);
  }
  const { error, message, code } = fields as Record<string, string | undefined>;
  return { kind: 'failure', id, code, message: error || message || undefined };
}

/** Interim frames carry no `success`; an `output` event has exactly its four fields. */
function readInterim(
  fields: Record<string, unknown>,
  id: string | number | undefined,
): ReplyEnvelope {
  const { event, stream, data } = fields;
  const outputShaped =
    id !== undefined &&
    event === 'output' &&
    (stream === 'stdout' || stream === 'stderr') &&
    typeof data === 'string' &&
    // Those four and nothing else: the schema is strict.
    Object.keys(fields).length === 4;
  return outputShaped ? { kind: 'output', id, stream, data } : { kind: 'event', id };
}
