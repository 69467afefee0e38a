export interface ReconnectOptions {
  /** Wait before the first reconnect attempt after a drop. Default 250 ms. */
  initialDelayMs?: number;
  /** The wait doubles after each failed attempt up to this cap. Default 10 s. */
  maxDelayMs?: number;
  /**
   * Up to this fraction of each wait is randomly taken off, so that many clients dropped by the
   * same server restart do not all come back in the same millisecond. Default 0.2.
   */
  jitter?: number;
  /** Give up after this many failed attempts in a row. Default: never. */
  maxAttempts?: number;
}

export type ResolvedReconnectOptions = Required<ReconnectOptions>;

export const DEFAULT_RECONNECT: ResolvedReconnectOptions = {
  initialDelayMs: 250,
  maxDelayMs: 10_000,
  jitter: 0.2,
  maxAttempts: Number.POSITIVE_INFINITY,
};

export function resolveReconnect(
  option: boolean | ReconnectOptions | undefined,
): ResolvedReconnectOptions | false {
  if (option === false) return false;
  const given = option === true || option === undefined ? {} : option;
  const resolved = { ...DEFAULT_RECONNECT };
  for (const key of Object.keys(resolved) as (keyof ReconnectOptions)[]) {
    const value = given[key];
    if (value !== undefined) resolved[key] = value;
  }
  resolved.jitter = Math.min(1, Math.max(0, resolved.jitter));
  return resolved;
}

/** The wait before reconnect attempt `attempt` (1-based): capped doubling, minus jitter. */
export function backoffDelayMs(
  attempt: number,
  options: ResolvedReconnectOptions,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  // 2 ** exponent overflows to Infinity long before this matters; min() keeps it at the cap.
  const capped = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** exponent);
  return Math.round(capped * (1 - options.jitter * random()));
}
