import { ERROR_CODE_NAMES, ERROR_HTTP_STATUS, type ErrorCode } from './error-status.js';

/**
 * Where several codes share an HTTP status, the one a bare status means: it claims no more than
 * the status itself (a 400 is an invalid request, not necessarily an unknown command).
 */
const GENERIC_CODES: readonly ErrorCode[] = [
  'invalid_request',
  'auth_failed',
  'payload_too_large',
  'internal',
  'service_unavailable',
];

/**
 * The code for a refusal that came with an HTTP status and no `code` (an upstream server's
 * `{detail}`), read from ERROR_HTTP_STATUS: the status's one code, or its generic one. A status the
 * table does not list gives `command_failed`.
 */
export function codeForHttpStatus(status: number): ErrorCode {
  const codes = ERROR_CODE_NAMES.filter((code) => ERROR_HTTP_STATUS[code] === status);
  return codes.find((code) => GENERIC_CODES.includes(code)) ?? codes[0] ?? 'command_failed';
}
