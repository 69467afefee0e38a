import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  OutputEventSchema,
  parseParams,
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
