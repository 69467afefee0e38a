import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ComputerError,
  ConnectionError,
  CuaClientError,
  TimeoutError,
  isAuthenticationCode,
} from './errors.js';

describe('client errors', () => {
  it('are named by literals, which a minifier leaves alone', () => {
    expect(new ComputerError('x', { success: false }).name).toBe('ComputerError');
    expect(new ConnectionError('x').name).toBe('ConnectionError');
    expect(new TimeoutError('x').name).toBe('TimeoutError');
    expect(new AuthenticationError('x').name).toBe('AuthenticationError');
    expect(new CuaClientError('connection', 'x').name).toBe('CuaClientError');
  });

  it("carry a failure's code and text, upstream's lenient forms included", () => {
    expect(new ComputerError('open', { success: false })).toMatchObject({
      code: 'command_failed',
      message: 'open failed',
    });
    expect(
      new ComputerError('find_element', { success: false, message: 'none', code: 'not_found' }),
    ).toMatchObject({ code: 'not_found', message: 'none' });
    expect(
      new ComputerError('run_command', { success: false, stderr: ' timed out\n' }),
    ).toMatchObject({ message: 'timed out' });
  });

  it('count the codes the protocol answers with 401 as authentication failures', () => {
    expect(['auth_required', 'auth_failed'].every(isAuthenticationCode)).toBe(true);
    expect(['rate_limited', 'not_found', 'nosuch', undefined].some(isAuthenticationCode)).toBe(
      false,
    );
  });
});
