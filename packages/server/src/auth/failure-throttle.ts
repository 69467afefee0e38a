import { createHash } from 'node:crypto';

export interface FailureThrottleOptions {
  /** Failures per address (or per credential) within the window before replies are delayed. */
  freeFailures: number;
  windowMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failures from everyone within the window; beyond it every failure waits the longest. */
  globalBudget: number;
}

/** Keys kept per map before old entries are pruned. */
const MAX_TRACKED = 10_000;

/**
 * Slows down failed authentication attempts, never successful ones: a correct credential is
 * answered at once whatever others did (behind a TLS proxy every client shares one address, so
 * refusing an address would lock every user out). A failure's reply is delayed by how many
 * failures its address and its credential had recently, doubling per failure up to a ceiling,
 * and by the ceiling for everyone once the global budget is spent (rotating addresses then
 * buys nothing).
 */
export class FailureThrottle {
  private readonly byAddress = new Map<string, number[]>();
  private readonly byCredential = new Map<string, number[]>();
  private global: number[] = [];

  constructor(private readonly options: FailureThrottleOptions) {}

  /** Records a failure and returns how long its reply should wait. */
  recordFailure(address: string, apiKey: unknown, now = Date.now()): number {
    const credential = credentialKey(apiKey);
    const a = this.push(this.byAddress, address, now);
    const c = this.push(this.byCredential, credential, now);
    this.global = this.recent(this.global, now);
    this.global.push(now);
    if (this.globalExhausted(now)) return this.options.maxDelayMs;
    return this.delayFor(Math.max(a, c));
  }

  /** True while failures from everyone exceed the global budget within the window. */
  globalExhausted(now = Date.now()): boolean {
    if (this.global.length <= this.options.globalBudget) return false;
    this.global = this.recent(this.global, now);
    return this.global.length > this.options.globalBudget;
  }

  private delayFor(failures: number): number {
    const over = failures - this.options.freeFailures;
    if (over <= 0) return 0;
    return Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (over - 1));
  }

  private push(map: Map<string, number[]>, key: string, now: number): number {
    const times = this.recent(map.get(key) ?? [], now);
    times.push(now);
    map.set(key, times);
    if (map.size > MAX_TRACKED) this.prune(map, now);
    return times.length;
  }

  private recent(times: number[], now: number): number[] {
    const since = now - this.options.windowMs;
    let first = 0;
    while (first < times.length && times[first]! <= since) first += 1;
    return first === 0 ? times : times.slice(first);
  }

  private prune(map: Map<string, number[]>, now: number): void {
    for (const [key, times] of map) {
      if (this.recent(times, now).length === 0) map.delete(key);
    }
    // Still too many (a flood of distinct keys): forget the oldest half.
    if (map.size > MAX_TRACKED) {
      let drop = map.size / 2;
      for (const key of map.keys()) {
        if (drop-- <= 0) break;
        map.delete(key);
      }
    }
  }
}

/** A credential as a short digest: keys are never kept in memory as they were sent. */
function credentialKey(apiKey: unknown): string {
  const text = typeof apiKey === 'string' ? apiKey : '';
  return createHash('sha256').update(text).digest('base64').slice(0, 22);
}
