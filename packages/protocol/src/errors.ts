import { ERROR_CODE_NAMES, ERROR_HTTP_STATUS, type ErrorCode } from './error-status.js';

export * from './error-status.js';

/** What each error code means (docs/protocol.md's error table is generated from it). */
export const ERROR_SUMMARIES: Record<ErrorCode, string> = {
  invalid_json: 'The frame or body is not valid JSON.',
  invalid_request: 'The request is not a {command, params?, id?} object.',
  unknown_command: 'No command of that name or alias exists.',
  invalid_params: 'A param is missing or has the wrong type.',
  auth_required: 'Credentials are needed and were not given.',
  auth_failed: 'Credentials were given and rejected.',
  forbidden_origin: 'A browser origin that is not allowed.',
  not_found: 'A file, window or process that does not exist.',
  method_not_allowed: 'The HTTP route exists but not for this method (GET /cmd).',
  payload_too_large: 'The request is larger than the server accepts.',
  reply_too_large: 'The reply would be larger than the server sends; ask for less (ranges, scale).',
  rate_limited: 'Too many failed attempts; try again later.',
  paused: 'Input is paused: a person has taken control of the desktop.',
  invalid_reply:
    'Raised by the client: the server answered with a reply the protocol does not allow.',
  command_failed: 'The command ran and reported a failure.',
  internal: 'An unexpected error inside the server.',
  unsupported: 'The command is not available on this server or OS.',
  display_unavailable: 'The display is missing or has gone away.',
  service_unavailable: 'The server is not configured to serve.',
  shutting_down: 'The server is stopping.',
  timeout: 'The command did not finish in time.',
};

/** Each code with its HTTP status and meaning (the docs' error table). */
export const ERROR_CODES = Object.fromEntries(
  ERROR_CODE_NAMES.map((code) => [
    code,
    { httpStatus: ERROR_HTTP_STATUS[code], summary: ERROR_SUMMARIES[code] },
  ]),
) as { readonly [C in ErrorCode]: { httpStatus: (typeof ERROR_HTTP_STATUS)[C]; summary: string } };
