export interface RateLimiterOptions {
  /** Failed attempts allowed per address within the window. */
  maxFailures: number;
  windowMs: number;
}

/** Counts failed authentication attempts per client address in a sliding window. */
export class FailureRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly options: RateLimiterOptions) {}

  /** Milliseconds until this address may try again; 0 when it may try now. */
  retryAfterMs(address: string, now = Date.now()): number {
    const recent = this.recent(address, now);
    if (recent.length < this.options.maxFailures) return 0;
    return recent[0]! + this.options.windowMs - now;
  }

  recordFailure(address: string, now = Date.now()): void {
    const recent = this.recent(address, now);
    recent.push(now);
    this.failures.set(address, recent);
    if (this.failures.size > 10_000) this.prune(now);
  }

  private recent(address: string, now: number): number[] {
    const since = now - this.options.windowMs;
    return (this.failures.get(address) ?? []).filter((t) => t > since);
  }

  private prune(now: number): void {
    for (const [address, times] of this.failures) {
      if (times.every((t) => t <= now - this.options.windowMs)) this.failures.delete(address);
    }
  }
}
