/**
 * The one table of machine-readable error codes and the HTTP status of each: what `POST /cmd`
 * answers when the failure happens before dispatch (command-level failures stay HTTP 200 there,
 * as upstream), and what a client reads a bare status as. Every failure reply carries one of
 * these in `code` next to its human-readable `error`. What each means is in errors.ts, apart
 * from this table so that the browser client, which needs only the statuses, does not carry the
 * texts.
 */
export const ERROR_HTTP_STATUS = {
  invalid_json: 400,
  invalid_request: 400,
  unknown_command: 400,
  invalid_params: 400,
  auth_required: 401,
  auth_failed: 401,
  forbidden_origin: 403,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  reply_too_large: 413,
  rate_limited: 429,
  paused: 409,
  invalid_reply: 502,
  command_failed: 500,
  internal: 500,
  unsupported: 501,
  display_unavailable: 503,
  service_unavailable: 503,
  shutting_down: 503,
  timeout: 504,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_HTTP_STATUS;

export const ERROR_CODE_NAMES = Object.keys(ERROR_HTTP_STATUS) as [ErrorCode, ...ErrorCode[]];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_HTTP_STATUS, value);
}

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_HTTP_STATUS[code];
}
