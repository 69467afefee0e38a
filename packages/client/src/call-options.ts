/** Options every call accepts, as the last argument of any method. */
export interface CallOptions {
  /**
   * Reject with a TimeoutError when the whole call (waiting for a connection, sending, the reply,
   * and every chunk of a chunked transfer) takes longer than this.
   */
  timeoutMs?: number;
  /** Abort the wait; the call rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Splits a method's options object into its own fields and the call options. */
export function splitCallOptions<T extends CallOptions>(
  options: T | undefined,
): [Omit<T, keyof CallOptions>, CallOptions] {
  if (!options) return [{} as Omit<T, keyof CallOptions>, {}];
  const { timeoutMs, signal, ...rest } = options;
  const call: CallOptions = {};
  if (timeoutMs !== undefined) call.timeoutMs = timeoutMs;
  if (signal !== undefined) call.signal = signal;
  return [rest, call];
}

/** True for a plain options object (never a number, string, array or null). */
export function isOptionsObject(value: unknown): value is CallOptions {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Positional arguments with the options last, `(a, b, …, options?)`: the values and the options
 * (when the last argument is an options object). Trailing `undefined`s count as not given.
 */
export function trailingOptions<O extends CallOptions>(
  args: readonly unknown[],
): [values: unknown[], options: O | undefined] {
  const values = [...args];
  while (values.length > 0 && values[values.length - 1] === undefined) values.pop();
  const options = isOptionsObject(values[values.length - 1]) ? (values.pop() as O) : undefined;
  return [values, options];
}

/** The error a call rejects with when its signal fires: the signal's own reason if it is one. */
export function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  const error = new Error(typeof reason === 'string' ? reason : 'The call was aborted', {
    cause: reason,
  });
  error.name = 'AbortError';
  return error;
}
