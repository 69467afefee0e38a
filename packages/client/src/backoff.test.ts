import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  DEFAULT_RECONNECT,
  resolveReconnect,
  type ReconnectOptions,
  type ResolvedReconnectOptions,
} from './backoff.js';

const policyOf = (options: ReconnectOptions) =>
  resolveReconnect(options) as ResolvedReconnectOptions;

describe('reconnect backoff', () => {
  it('doubles from the initial delay up to the cap (no jitter at random() = 0)', () => {
    const policy = policyOf({ initialDelayMs: 250, maxDelayMs: 10_000 });
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 100, 5000].map((n) =>
      backoffDelayMs(n, policy, () => 0),
    );
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000, 10_000]);
  });

  it('takes up to the jitter fraction off, never adding to the cap', () => {
    const policy = policyOf({ initialDelayMs: 100, maxDelayMs: 400, jitter: 0.5 });
    expect(backoffDelayMs(1, policy, () => 0.999999)).toBe(50);
    expect(backoffDelayMs(10, policy, () => 0.5)).toBe(300);
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelayMs(1 + (i % 6), policy);
      expect(delay).toBeGreaterThanOrEqual(50);
      expect(delay).toBeLessThanOrEqual(400);
    }
  });

  it('resolves options: defaults, false, clamped jitter', () => {
    expect(resolveReconnect(undefined)).toEqual(DEFAULT_RECONNECT);
    expect(resolveReconnect(true)).toEqual(DEFAULT_RECONNECT);
    expect(resolveReconnect(false)).toBe(false);
    expect(DEFAULT_RECONNECT).toMatchObject({ initialDelayMs: 250, maxDelayMs: 10_000 });
    expect(resolveReconnect({ jitter: 3 })).toMatchObject({ jitter: 1 });
    expect(resolveReconnect({ maxAttempts: 2, jitter: undefined })).toMatchObject({
      maxAttempts: 2,
      jitter: 0.2,
    });
  });
});
