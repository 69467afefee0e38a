/**
 * The one table of machine-readable error codes. Every failure reply carries one of these in
 * `code` next to its human-readable `error`. `httpStatus` is what `POST /cmd` answers when the
 * failure happens before dispatch; command-level failures stay HTTP 200 there, as upstream.
 */
export const ERROR_CODES = {
  invalid_json: { httpStatus: 400, summary: 'The frame or body is not valid JSON.' },
  invalid_request: {
    httpStatus: 400,
    summary: 'The request is not a {command, params?, id?} object.',
  },
  unknown_command: { httpStatus: 400, summary: 'No command of that name or alias exists.' },
  invalid_params: { httpStatus: 400, summary: 'A param is missing or has the wrong type.' },
  auth_required: { httpStatus: 401, summary: 'Credentials are needed and were not given.' },
  auth_failed: { httpStatus: 401, summary: 'Credentials were given and rejected.' },
  forbidden_origin: { httpStatus: 403, summary: 'A browser origin that is not allowed.' },
  not_found: { httpStatus: 404, summary: 'A file, window or process that does not exist.' },
  method_not_allowed: {
    httpStatus: 405,
    summary: 'The HTTP route exists but not for this method (GET /cmd).',
  },
  payload_too_large: { httpStatus: 413, summary: 'The request is larger than the server accepts.' },
  reply_too_large: {
    httpStatus: 413,
    summary: 'The reply would be larger than the server sends; ask for less (ranges, scale).',
  },
  rate_limited: { httpStatus: 429, summary: 'Too many failed attempts; try again later.' },
  paused: {
    httpStatus: 409,
    summary: 'Input is paused: a person has taken control of the desktop.',
  },
  invalid_reply: {
    httpStatus: 502,
    summary: 'Raised by the client: the server answered with a reply the protocol does not allow.',
  },
  command_failed: { httpStatus: 500, summary: 'The command ran and reported a failure.' },
  internal: { httpStatus: 500, summary: 'An unexpected error inside the server.' },
  unsupported: { httpStatus: 501, summary: 'The command is not available on this server or OS.' },
  display_unavailable: { httpStatus: 503, summary: 'The display is missing or has gone away.' },
  service_unavailable: { httpStatus: 503, summary: 'The server is not configured to serve.' },
  shutting_down: { httpStatus: 503, summary: 'The server is stopping.' },
  timeout: { httpStatus: 504, summary: 'The command did not finish in time.' },
} as const satisfies Record<string, { httpStatus: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const ERROR_CODE_NAMES = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_CODES[code].httpStatus;
}
