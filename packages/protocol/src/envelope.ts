import { z } from 'zod';
import { ERROR_CODE_NAMES, type ErrorCode } from './errors.js';

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

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodeJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

/** Why a request frame was refused; `POST /cmd` words some of these as upstream does. */
export type RequestRefusal = 'not_json' | 'not_object' | 'bad_id' | 'no_command' | 'bad_params';

export interface RequestFrame {
  ok: true;
  command: string;
  /** As sent (own `__proto__` keys included): `parseParams` reads them safely. */
  params: Record<string, unknown> | undefined;
  id?: RequestId;
  /** The client asked for image bytes in a binary frame (`binary-images`). */
  binary?: true;
}

export interface RequestFrameFailure {
  ok: false;
  code: Extract<ErrorCode, 'invalid_json' | 'invalid_request'>;
  reason: RequestRefusal;
  error: string;
  /** Echoed when the frame carried a valid one, so a tagged request's failure finds its caller. */
  id?: RequestId;
  /** `not_json` only: the JSON parser's own words, which `POST /cmd` reports as upstream does. */
  jsonError?: string;
}

export type ParsedRequest = RequestFrame | RequestFrameFailure;

/** A null id is no id: some clients write every absent field as null. */
const RequestEnvelopeSchema = RequestSchema.extend({ id: RequestIdSchema.nullish() });

const REFUSAL_MESSAGES = {
  not_object: 'Request must be a JSON object like {"command": "version", "params": {}}',
  bad_id: 'id must be a string (at most 256 characters) or a finite number',
  no_command: 'Missing "command": the request must name a command as a non-empty string',
} as const;

function describeKind(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}

/**
 * Checks the envelope `{command, params?, id?}` of a decoded frame or body. Problems are
 * reported in a fixed order (shape, id, command, params), so one frame always gets one answer;
 * an id is echoed only once it is known to be valid.
 */
export function parseRequestValue(value: unknown): ParsedRequest {
  const parsed = RequestEnvelopeSchema.safeParse(value);
  const bad = new Set(parsed.error?.issues.map((issue) => issue.path[0]));
  const refuse = (reason: RequestRefusal, error: string, id?: RequestId): RequestFrameFailure => ({
    ok: false,
    code: 'invalid_request',
    reason,
    error,
    ...(id === undefined ? {} : { id }),
  });
  if (!isPlainObject(value)) return refuse('not_object', REFUSAL_MESSAGES.not_object);
  if (bad.has('id')) return refuse('bad_id', REFUSAL_MESSAGES.bad_id);
  const id = (value.id ?? undefined) as RequestId | undefined;
  if (bad.has('command')) return refuse('no_command', REFUSAL_MESSAGES.no_command, id);
  if (!parsed.success) {
    const kind = describeKind(value.params);
    return refuse('bad_params', `params must be an object, not ${kind}`, id);
  }
  return {
    ok: true,
    command: parsed.data.command,
    params: value.params as Record<string, unknown> | undefined,
    ...(id === undefined ? {} : { id }),
    ...(value.binary === true ? { binary: true as const } : {}),
  };
}

/** One text frame (or `POST /cmd` body): JSON, then the envelope. */
export function parseRequestFrame(text: string): ParsedRequest {
  const decoded = decodeJson(text);
  if (!decoded.ok) {
    return {
      ok: false,
      code: 'invalid_json',
      reason: 'not_json',
      error: `Invalid JSON: ${decoded.message}`,
      jsonError: decoded.message,
    };
  }
  return parseRequestValue(decoded.value);
}

/**
 * The one command a `/ws` client sends before any other when auth is on (docs/protocol.md,
 * Authentication).
 */
export function isAuthenticateRequest(request: RequestFrame): boolean {
  return request.command === AuthenticateFrameSchema.shape.command.value;
}

export type CredentialsCheck =
  | { ok: true; containerName: string; apiKey: string }
  | {
      ok: false;
      code: Extract<ErrorCode, 'auth_failed' | 'auth_required'>;
      error: string;
      /** The key that was offered, if any: failures are throttled per key as well as per address. */
      apiKey?: string;
    };

/** Upstream tests credentials with Python truthiness: `0`, `false`, `[]` and `{}` are missing too. */
function missing(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') {
    return true;
  }
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).length === 0;
}

/**
 * The first `/ws` frame when auth is on, checked in upstream's order with its messages
 * (docs/protocol.md, Authentication): not a JSON object; not `authenticate`; params present but
 * not an object; no api_key; no container_name; then credentials of the wrong type, which
 * upstream's verification rejects. A binary frame is `undefined`. Success gives the credentials
 * still to be verified.
 */
export function parseAuthenticateFrame(text: string | undefined): CredentialsCheck {
  const decoded = text === undefined ? undefined : decodeJson(text);
  const frame = decoded?.ok === true ? decoded.value : undefined;
  const refuse = (code: 'auth_failed' | 'auth_required', error: string, apiKey?: unknown) =>
    ({
      ok: false,
      code,
      error,
      ...(typeof apiKey === 'string' ? { apiKey } : {}),
    }) as const;
  if (!isPlainObject(frame)) return refuse('auth_failed', AUTH_MESSAGES.failed);
  if (frame.command !== AuthenticateFrameSchema.shape.command.value) {
    return refuse('auth_required', AUTH_MESSAGES.firstMessage);
  }
  const params = frame.params === undefined ? {} : frame.params;
  if (!isPlainObject(params)) return refuse('auth_failed', AUTH_MESSAGES.failed);
  const { api_key: apiKey, container_name: containerName } = params;
  if (missing(apiKey)) return refuse('auth_required', AUTH_MESSAGES.apiKeyRequired, apiKey);
  if (missing(containerName)) {
    return refuse('auth_required', AUTH_MESSAGES.containerNameRequired, apiKey);
  }
  const credentials = AuthenticateFrameSchema.shape.params.safeParse(params);
  if (!credentials.success) return refuse('auth_failed', AUTH_MESSAGES.failed, apiKey);
  return {
    ok: true,
    containerName: credentials.data.container_name,
    apiKey: credentials.data.api_key,
  };
}
