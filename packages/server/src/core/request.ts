import { RequestIdSchema, type ErrorCode, type RequestId } from '@cua/computer-protocol';

export type ParsedRequest =
  | {
      ok: true;
      command: string;
      params: Record<string, unknown> | undefined;
      id?: RequestId;
      /** The client asked for image bytes in a binary frame (`binary-images`). */
      binary?: boolean;
    }
  | { ok: false; code: ErrorCode; error: string; reason: InvalidReason; id?: RequestId };

/** Why an envelope was refused: `POST /cmd` words some of these as upstream does. */
export type InvalidReason = 'not_object' | 'bad_id' | 'no_command' | 'bad_params';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the envelope `{command, params?, id?}` of a decoded frame or body. */
export function parseRequest(value: unknown): ParsedRequest {
  if (!isPlainObject(value)) {
    return {
      ok: false,
      code: 'invalid_request',
      reason: 'not_object',
      error: 'Request must be a JSON object like {"command": "version", "params": {}}',
    };
  }
  let id: RequestId | undefined;
  if (value.id !== undefined && value.id !== null) {
    const parsed = RequestIdSchema.safeParse(value.id);
    if (!parsed.success) {
      return {
        ok: false,
        code: 'invalid_request',
        reason: 'bad_id',
        error: 'id must be a string (at most 256 characters) or a finite number',
      };
    }
    id = parsed.data;
  }
  const withId = id === undefined ? {} : { id };
  const { command, params } = value;
  if (typeof command !== 'string' || command.length === 0) {
    return {
      ok: false,
      code: 'invalid_request',
      reason: 'no_command',
      error: 'Missing "command": the request must name a command as a non-empty string',
      ...withId,
    };
  }
  if (params !== undefined && !isPlainObject(params)) {
    return {
      ok: false,
      code: 'invalid_request',
      reason: 'bad_params',
      error: `params must be an object, not ${params === null ? 'null' : Array.isArray(params) ? 'an array' : typeof params}`,
      ...withId,
    };
  }
  return {
    ok: true,
    command,
    params,
    ...withId,
    ...(value.binary === true ? { binary: true } : {}),
  };
}

export function parseJson(
  text: string,
): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, error: `Invalid JSON: ${(err as Error).message}` };
  }
}
