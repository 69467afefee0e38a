import { describe, expect, it } from 'vitest';
import { AuthenticationError, ComputerError } from './errors.js';
import { readRefusal, refusalError } from './http-failure.js';

describe('HTTP refusals', () => {
  it('reads `{detail, code}`, `{error}`, and nothing else', () => {
    expect(readRefusal('{"detail":"No","code":"not_found"}')).toEqual({
      message: 'No',
      code: 'not_found',
    });
    expect(readRefusal('{"error":"Nope"}')).toEqual({ message: 'Nope', code: undefined });
    for (const body of ['', '<html>', '[]', '{"detail":1}', 'null']) {
      expect(readRefusal(body)).toBeUndefined();
    }
  });

  it("takes the body's code, else the status's from the error table", () => {
    const unknown = refusalError('nosuch', 400, {
      message: 'Unknown command: nosuch',
      code: undefined,
    });
    expect(ComputerError.isInstance(unknown)).toBe(true);
    // The words say "unknown command", but without a code only the status speaks.
    expect(unknown).toMatchObject({ code: 'invalid_request', reply: { status: 400 } });
    expect(refusalError('x', 400, { message: 'm', code: 'unknown_command' })).toMatchObject({
      code: 'unknown_command',
    });
    expect(refusalError('x', 404, { message: 'm', code: undefined })).toMatchObject({
      code: 'not_found',
    });
  });

  it('is an AuthenticationError for 401', () => {
    const error = refusalError('version', 401, {
      message: 'Authentication failed',
      code: undefined,
    });
    expect(AuthenticationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'auth_failed', name: 'AuthenticationError' });
  });
});
