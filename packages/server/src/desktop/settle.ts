import type { DamageEvent, Desktop } from './desktop.js';

/**
 * What a backend without damage events (nut-js) waits instead of watching the screen: the wait
 * the adapters use against servers without `observe`. Such an observation says `settled: false`
 * (nothing was seen settle) and `changed: true` (nothing says it did not).
 */
export const NO_DAMAGE_WAIT_MS = 500;

export interface SettleWait {
  quietMs: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface Settled {
  /** Quiet for quietMs before timeoutMs passed. */
  settled: boolean;
  /** From the end of the action to the last change (quiet since), or to the timeout. */
  settleMs: number;
  /** Any drawing since the watch began (the action's own included). */
  changed: boolean;
}

/**
 * Watches the screen's damage from before an action until it settles. Start it before the
 * action (so a repaint the action causes at once is seen), call `actionEnded()` after it, then
 * `wait()`. Damage is drawing reported by the X server, not a pixel comparison: a repaint with
 * the same pixels counts as a change, and the pointer (drawn apart) never does.
 */
export class SettleWatch {
  private lastDamageAt: number | undefined;
  private endedAt: number | undefined;
  private listening = false;
  private unsubscribe: () => void = () => undefined;

  private constructor(private readonly damage: boolean) {}

  /**
   * Starts watching. Creating the X server's damage object reports the whole screen as damaged
   * once; that report arrives before the reply to any later request, so one round trip (the
   * pointer query) after subscribing lets it pass, and only changes from then on count.
   */
  static async start(desktop: Desktop): Promise<SettleWatch> {
    const watch = new SettleWatch(desktop.capabilities.damage);
    if (!watch.damage) return watch;
    watch.unsubscribe = desktop.onDamage((event: DamageEvent) => {
      if (watch.listening) watch.lastDamageAt = event.at;
    });
    try {
      await desktop.cursorPosition();
    } catch (error) {
      watch.close();
      throw error;
    }
    watch.listening = true;
    return watch;
  }

  actionEnded(): void {
    this.endedAt ??= performance.now();
  }

  /**
   * Resolves once the screen has had no damage for quietMs since the action ended (a repaint
   * that starts later than quietMs after it is not waited for), or when timeoutMs has passed.
   */
  async wait({ quietMs, timeoutMs, signal }: SettleWait): Promise<Settled> {
    const start = this.endedAt ?? performance.now();
    if (!this.damage) {
      const waitMs = Math.min(timeoutMs, NO_DAMAGE_WAIT_MS);
      await sleep(start + waitMs - performance.now(), signal);
      return { settled: false, settleMs: waitMs, changed: true };
    }
    for (;;) {
      // Events already in the socket are read in the poll phase, which follows the timers that
      // woke this wait: let it run before judging the screen quiet.
      await nextPoll();
      signal?.throwIfAborted();
      const now = performance.now();
      const quietSince = Math.max(start, this.lastDamageAt ?? start);
      if (now - quietSince >= quietMs) {
        return { settled: true, settleMs: round(quietSince - start), changed: this.changed };
      }
      if (now - start >= timeoutMs) {
        return { settled: false, settleMs: round(now - start), changed: this.changed };
      }
      await sleep(Math.min(quietSince + quietMs, start + timeoutMs) - now, signal);
    }
  }

  close(): void {
    this.unsubscribe();
  }

  private get changed(): boolean {
    return this.lastDamageAt !== undefined;
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

function nextPoll(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    }
    signal?.addEventListener('abort', aborted, { once: true });
  });
}
