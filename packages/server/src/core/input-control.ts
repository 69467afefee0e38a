import { CommandError } from './command-error.js';
import type { SessionState } from '../handlers/types.js';

export type TakeoverMode = 'reject' | 'wait';

/**
 * Who may send input: everyone, or, while a person has taken control (the live view's "take
 * control" switch), that person's connection alone. Other connections' input then fails with
 * `paused` (`reject`, the default) or waits until control is handed back (`wait`, bounded by
 * the command timeout). Control ends with `release_control` or when its connection closes.
 */
export class InputControl {
  private holder: SessionState | undefined;
  private waiters: Array<() => void> = [];

  constructor(private readonly mode: TakeoverMode = 'reject') {}

  take(session: SessionState): void {
    if (this.holder === session) return;
    if (this.holder !== undefined) {
      throw new CommandError(
        'command_failed',
        'Another connection has control; it must release it (or close) first',
      );
    }
    this.holder = session;
    session.connectionSignal?.addEventListener('abort', () => this.release(session), {
      once: true,
    });
  }

  release(session: SessionState): void {
    if (this.holder !== session) return;
    this.holder = undefined;
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves when `session` may send input; throws `paused` in reject mode. */
  async admit(session: SessionState, signal: AbortSignal): Promise<void> {
    while (this.holder !== undefined && this.holder !== session) {
      if (this.mode === 'reject') {
        throw new CommandError(
          'paused',
          'Input is paused: a person has taken control of this desktop; try again once it is released',
        );
      }
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        this.waiters.push(() => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    }
  }
}
