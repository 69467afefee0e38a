import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LenientFailureReplySchema,
  OutputEventSchema,
  ReplySchema,
  RequestIdSchema,
  SuccessReplySchema,
} from './envelope.js';
import { ERROR_CODE_NAMES } from './errors.js';
import { isRequestId, readReplyEnvelope } from './reply-envelope.js';

/** Any value a field may hold, `undefined` (an absent field to zod) included. */
const anything = fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.double());

const idLike = fc.oneof(
  fc.string(),
  // Around the 256-character bound.
  fc.string({ minLength: 255, maxLength: 257 }),
  fc.integer(),
  // NaN and the infinities included.
  fc.double(),
  anything,
);

/** Frames made of the fields the schemas look at, each present or not, right or wrong. */
const frameLike = fc.record(
  {
    success: fc.oneof(fc.boolean(), anything),
    id: idLike,
    error: fc.oneof(fc.string(), anything),
    message: fc.oneof(fc.string(), anything),
    code: fc.oneof(fc.constantFrom(...ERROR_CODE_NAMES), fc.string(), anything),
    event: fc.oneof(fc.constant('output'), fc.string(), anything),
    stream: fc.oneof(fc.constantFrom('stdout', 'stderr'), fc.string(), anything),
    data: fc.oneof(fc.string(), anything),
    seq: anything,
  },
  { requiredKeys: [] },
);

/** Mostly well-formed output events, some with a field too many or one wrong. */
const outputLike = fc
  .tuple(
    fc.record({
      id: fc.oneof(fc.integer(), fc.string()),
      event: fc.constant('output'),
      stream: fc.constantFrom('stdout', 'stderr'),
      data: fc.string(),
    }),
    frameLike,
    fc.nat(3),
  )
  .map(([event, other, extra]) => ({
    ...event,
    ...Object.fromEntries(Object.entries(other).slice(0, extra)),
  }));

const frames = fc.oneof(frameLike, outputLike, anything, fc.array(anything));

describe('readReplyEnvelope agrees with the zod schemas of envelope.ts', () => {
  it('isRequestId is RequestIdSchema', () => {
    fc.assert(
      fc.property(idLike, (id) => {
        expect(isRequestId(id)).toBe(RequestIdSchema.safeParse(id).success);
      }),
    );
  });

  it('success, failure and output exactly where the schemas accept the frame', () => {
    fc.assert(
      fc.property(frames, (frame) => {
        const envelope = readReplyEnvelope(frame);
        const reply = envelope.kind === 'success' || envelope.kind === 'failure';
        expect(ReplySchema.safeParse(frame).success).toBe(reply);
        expect(SuccessReplySchema.safeParse(frame).success).toBe(envelope.kind === 'success');
        expect(LenientFailureReplySchema.safeParse(frame).success).toBe(
          envelope.kind === 'failure',
        );
        expect(OutputEventSchema.safeParse(frame).success).toBe(envelope.kind === 'output');
      }),
      { numRuns: 2000 },
    );
  });

  it('reads id, code, message and output as the schemas parse them', () => {
    fc.assert(
      fc.property(frames, (frame) => {
        const envelope = readReplyEnvelope(frame);
        if (envelope.kind === 'success' || envelope.kind === 'failure') {
          expect(envelope.id).toEqual(ReplySchema.parse(frame).id);
        }
        if (envelope.kind === 'failure') {
          const { code, error, message } = LenientFailureReplySchema.parse(frame);
          expect(envelope.code).toEqual(code);
          expect(envelope.message).toEqual(error || message || undefined);
        }
        if (envelope.kind === 'output') {
          const { id, stream, data } = OutputEventSchema.parse(frame);
          expect(envelope).toEqual({ kind: 'output', id, stream, data });
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('calls every object without `success` an interim frame, with its id when valid', () => {
    fc.assert(
      fc.property(frameLike, (frame) => {
        if (Object.hasOwn(frame, 'success')) return;
        const envelope = readReplyEnvelope(frame);
        expect(['output', 'event']).toContain(envelope.kind);
        expect(envelope.id).toEqual(isRequestId(frame.id) ? frame.id : undefined);
      }),
    );
  });
});

describe('readReplyEnvelope', () => {
  it('reads the forms servers send', () => {
    expect(readReplyEnvelope({ success: true, id: 3, size: 1 })).toEqual({
      kind: 'success',
      id: 3,
    });
    expect(readReplyEnvelope({ success: false, error: 'No such file', code: 'not_found' })).toEqual(
      { kind: 'failure', id: undefined, code: 'not_found', message: 'No such file' },
    );
    // Upstream: find_element says `message`, `open` may say nothing.
    expect(readReplyEnvelope({ success: false, message: 'none' })).toMatchObject({
      message: 'none',
      code: undefined,
    });
    expect(readReplyEnvelope({ success: false })).toMatchObject({ kind: 'failure' });
    expect(readReplyEnvelope({ id: 'a', event: 'output', stream: 'stderr', data: 'x' })).toEqual({
      kind: 'output',
      id: 'a',
      stream: 'stderr',
      data: 'x',
    });
    expect(readReplyEnvelope({ id: 2, event: 'frame', seq: 1 })).toEqual({ kind: 'event', id: 2 });
  });

  it('says why a frame is no reply', () => {
    expect(readReplyEnvelope([])).toMatchObject({ kind: 'invalid', problem: 'not a JSON object' });
    expect(readReplyEnvelope({ success: 'yes', id: 1 })).toEqual({
      kind: 'invalid',
      id: 1,
      problem: 'success is not a boolean',
    });
    expect(readReplyEnvelope({ success: false, code: 7 })).toMatchObject({
      problem: 'code is not a string',
    });
    expect(readReplyEnvelope({ success: true, id: 'x'.repeat(257) })).toMatchObject({
      kind: 'invalid',
      id: undefined,
    });
  });
});
