import { describe, expect, it } from 'vitest';
import { ConnectionError } from './errors.js';
import { parseEvent } from './http-transport.js';

describe('POST /cmd body', () => {
  it('is one server-sent event whose data is the reply', () => {
    expect(parseEvent('data: {"success": true, "a": "h\\u00e9"}\n\n')).toEqual({
      success: true,
      a: 'hé',
    });
    expect(parseEvent('data:{"success":true}')).toEqual({ success: true });
    expect(parseEvent('\r\ndata: {"success":\r\ndata: false}\r\n\r\ndata: {"x":1}\n\n')).toEqual({
      success: false,
    });
  });

  it.each(['', 'Internal Server Error', 'data: [1]', 'data: {nope', 'event: x\n\n'])(
    'rejects %j with a ConnectionError',
    (body) => {
      expect(() => parseEvent(body)).toThrow(ConnectionError);
    },
  );
});
