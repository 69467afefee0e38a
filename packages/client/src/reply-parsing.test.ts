import { describe, expect, it } from 'vitest';
import { parseReply } from './reply-parsing.js';

describe('parseReply', () => {
  it('returns the checked result of a success', () => {
    expect(parseReply('get_file_size', { success: true, id: 1, size: 3 })).toEqual({ size: 3 });
  });

  it("throws a failure as the server's, its code kept", () => {
    expect(() => parseReply('version', { success: false, error: 'no', code: 'paused' })).toThrow(
      expect.objectContaining({ code: 'paused', message: 'no', command: 'version' }),
    );
  });

  it.each([
    [{ success: 'yes' }, /is not a reply \(success is not a boolean\)/],
    [{ success: false, code: 7 }, /is not a reply \(code is not a string\)/],
    [{ stdout: '' }, /is not a reply \(no success field\)/],
    [{ success: true, size: 'big' }, /does not match the protocol/],
  ])('throws invalid_reply for %j', (reply, message) => {
    expect(() => parseReply('get_file_size', reply)).toThrow(
      expect.objectContaining({ code: 'invalid_reply', message: expect.stringMatching(message) }),
    );
  });
});
