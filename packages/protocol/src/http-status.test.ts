import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from './errors.js';
import { codeForHttpStatus } from './http-status.js';

describe('codeForHttpStatus', () => {
  it.each([
    [400, 'invalid_request'],
    [401, 'auth_failed'],
    [403, 'forbidden_origin'],
    [404, 'not_found'],
    [405, 'method_not_allowed'],
    [413, 'payload_too_large'],
    [429, 'rate_limited'],
    [500, 'internal'],
    [503, 'service_unavailable'],
    [504, 'timeout'],
    [418, 'command_failed'],
  ])('%i → %s', (status, code) => {
    expect(codeForHttpStatus(status)).toBe(code);
  });

  it('gives every status of the table one of its own codes', () => {
    for (const { httpStatus } of Object.values(ERROR_CODES)) {
      expect(ERROR_CODES[codeForHttpStatus(httpStatus)].httpStatus).toBe(httpStatus);
    }
  });
});
