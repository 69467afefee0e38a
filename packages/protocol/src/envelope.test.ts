import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  AUTH_MESSAGES,
  OutputEventSchema,
  parseAuthenticateFrame,
  parseParams,
  parseRequestFrame,
  ReplySchema,
  type OutputEvent,
  type RunCommandParams,
} from './index.js';

describe('OutputEventSchema (the stream extension)', () => {
  it('accepts an output piece tagged with a string or number id', () => {
    const event = { id: 7, event: 'output', stream: 'stdout', data: 'a' };
    expect(OutputEventSchema.parse(event)).toEqual(event);
    expect(OutputEventSchema.safeParse({ ...event, id: 'x', stream: 'stderr' }).success).toBe(true);
    expect(OutputEventSchema.safeParse({ ...event, data: '' }).success).toBe(true);
  });

  it('rejects a frame without an id, another stream or event name, or non-text data', () => {
    const event = { id: 1, event: 'output', stream: 'stdout', data: 'a' };
    const { id: _id, ...noId } = event;
    expect(OutputEventSchema.safeParse(noId).success).toBe(false);
    expect(OutputEventSchema.safeParse({ ...event, stream: 'stdin' }).success).toBe(false);
    expect(OutputEventSchema.safeParse({ ...event, event: 'progress' }).success).toBe(false);
    expect(OutputEventSchema.safeParse({ ...event, data: 1 }).success).toBe(false);
  });

  it('is never a reply, and a reply is never an event: `success` tells them apart', () => {
    const event = { id: 1, event: 'output', stream: 'stdout', data: 'a' };
    expect(ReplySchema.safeParse(event).success).toBe(false);
    expect(OutputEventSchema.safeParse({ success: true, ...event }).success).toBe(false);
    expect(OutputEventSchema.safeParse({ success: false, ...event }).success).toBe(false);
  });

  it('has the wire type clients rely on', () => {
    expectTypeOf<OutputEvent>().toEqualTypeOf<{
      id: string | number;
      event: 'output';
      stream: 'stdout' | 'stderr';
      data: string;
    }>();
  });
});

describe('run_command stream param', () => {
  it('is an optional boolean; null means absent, as for every param', () => {
    expect(parseParams('run_command', { command: 'ls', stream: true })).toEqual({
      ok: true,
      params: { command: 'ls', stream: true },
    });
    expect(parseParams('run_command', { command: 'ls', stream: null })).toEqual({
      ok: true,
      params: { command: 'ls' },
    });
    expect(parseParams('run_command', { command: 'ls', stream: 'yes' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('stream:'),
    });
    expectTypeOf<RunCommandParams['stream']>().toEqualTypeOf<boolean | undefined>();
  });
});

describe('parseRequestFrame', () => {
  it('accepts {command, params?, id?}, a null id as none, and keeps params as sent', () => {
    expect(parseRequestFrame('{"command":"version"}')).toEqual({
      ok: true,
      command: 'version',
      params: undefined,
    });
    const frame = parseRequestFrame('{"command":"x","params":{"__proto__":{"a":1}},"id":null}');
    expect(frame).toMatchObject({ ok: true, command: 'x' });
    expect(frame.ok && Object.keys(frame.params!)).toEqual(['__proto__']);
    expect(parseRequestFrame('{"command":"x","id":7,"binary":true}')).toEqual({
      ok: true,
      command: 'x',
      params: undefined,
      id: 7,
      binary: true,
    });
  });

  it.each([
    ['{nope', 'invalid_json', 'not_json', undefined],
    ['[1]', 'invalid_request', 'not_object', undefined],
    ['null', 'invalid_request', 'not_object', undefined],
    ['{"command":"x","id":{}}', 'invalid_request', 'bad_id', undefined],
    ['{"command":5,"id":"a"}', 'invalid_request', 'no_command', 'a'],
    ['{"command":"","params":[]}', 'invalid_request', 'no_command', undefined],
    ['{"command":"x","params":null,"id":1}', 'invalid_request', 'bad_params', 1],
  ])('%s → %s (%s), the id echoed only when valid', (text, code, reason, id) => {
    const parsed = parseRequestFrame(text);
    expect(parsed).toMatchObject({ ok: false, code, reason });
    expect(parsed.ok ? undefined : parsed.id).toBe(id);
  });

  it('words each refusal as the server always has', () => {
    const error = (text: string) => {
      const parsed = parseRequestFrame(text);
      return parsed.ok ? undefined : parsed.error;
    };
    expect(error('{nope')).toMatch(/^Invalid JSON: /);
    expect(error('[]')).toBe(
      'Request must be a JSON object like {"command": "version", "params": {}}',
    );
    expect(error('{"command":1}')).toBe(
      'Missing "command": the request must name a command as a non-empty string',
    );
    expect(error('{"command":"x","params":[]}')).toBe('params must be an object, not an array');
    expect(error('{"command":"x","params":null}')).toBe('params must be an object, not null');
    expect(error('{"command":"x","params":"s"}')).toBe('params must be an object, not string');
  });
});

describe('parseAuthenticateFrame (docs/protocol.md, Authentication; upstream recordings)', () => {
  const frame = (params?: unknown) =>
    JSON.stringify({ command: 'authenticate', ...(params === undefined ? {} : { params }) });

  it.each([
    ['not JSON', 'not json', AUTH_MESSAGES.failed],
    ['an array', '[1,2]', AUTH_MESSAGES.failed],
    ['a binary frame', undefined, AUTH_MESSAGES.failed],
    ['another command', '{"command":"version"}', AUTH_MESSAGES.firstMessage],
    ['another case', '{"command":"AUTHENTICATE"}', AUTH_MESSAGES.firstMessage],
    ['params null', frame(null), AUTH_MESSAGES.failed],
    ['no params', frame(), AUTH_MESSAGES.apiKeyRequired],
    ['empty params', frame({}), AUTH_MESSAGES.apiKeyRequired],
    ['empty api_key', frame({ container_name: 'vm1', api_key: '' }), AUTH_MESSAGES.apiKeyRequired],
    ['no container_name', frame({ api_key: 'k' }), AUTH_MESSAGES.containerNameRequired],
    ['an int api_key', frame({ container_name: 'vm1', api_key: 12345 }), AUTH_MESSAGES.failed],
  ])('%s → %s', (_name, text, error) => {
    expect(parseAuthenticateFrame(text)).toMatchObject({ ok: false, error });
  });

  it('gives the credentials, and extra fields do not matter', () => {
    expect(parseAuthenticateFrame(frame({ container_name: 'vm1', api_key: 'k', x: 1 }))).toEqual({
      ok: true,
      containerName: 'vm1',
      apiKey: 'k',
    });
  });
});
