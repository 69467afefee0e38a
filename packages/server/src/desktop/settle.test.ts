import { describe, expect, it } from 'vitest';
import type { DamageEvent, Desktop } from './desktop.js';
import { NO_DAMAGE_WAIT_MS, SettleWatch } from './settle.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A desktop whose only feature is damage, driven by the test; creating it damages all once. */
function fakeDesktop(damage = true) {
  const listeners = new Set<(event: DamageEvent) => void>();
  const emit = () => {
    const event = { area: { x: 0, y: 0, width: 10, height: 10 }, at: performance.now() };
    for (const listener of listeners) listener(event);
  };
  const desktop = {
    capabilities: { name: 'fake', exactTyping: true, windows: false, damage, monitors: false },
    onDamage(listener: (event: DamageEvent) => void) {
      listeners.add(listener);
      emit();
      return () => listeners.delete(listener);
    },
    cursorPosition: async () => ({ x: 0, y: 0 }),
  } as unknown as Desktop;
  return { desktop, emit, listeners };
}

async function settleAfter(
  damageAtMs: number[],
  wait: { quietMs: number; timeoutMs: number },
  damage = true,
) {
  const fake = fakeDesktop(damage);
  const watch = await SettleWatch.start(fake.desktop);
  // From before the action's end, which the fixed wait counts from.
  const started = performance.now();
  watch.actionEnded();
  const timers = damageAtMs.map((ms) => setTimeout(fake.emit, ms));
  try {
    const settled = await watch.wait(wait);
    return { ...settled, elapsedMs: performance.now() - started };
  } finally {
    timers.forEach(clearTimeout);
    watch.close();
    expect(fake.listeners.size).toBe(0);
  }
}

describe('SettleWatch', () => {
  it('no damage: settled after quietMs, unchanged (the damage of subscribing is not counted)', async () => {
    const result = await settleAfter([], { quietMs: 50, timeoutMs: 1000 });
    expect(result).toMatchObject({ settled: true, settleMs: 0, changed: false });
    expect(result.elapsedMs).toBeGreaterThanOrEqual(49);
  });

  it('damage that starts within quietMs is waited for, and the wait ends quietMs after the last', async () => {
    const result = await settleAfter([40, 80, 120], { quietMs: 60, timeoutMs: 2000 });
    expect(result).toMatchObject({ settled: true, changed: true });
    expect(result.settleMs).toBeGreaterThanOrEqual(115);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(result.settleMs + 59);
  });

  it('damage that starts later than quietMs is not waited for', async () => {
    const result = await settleAfter([300], { quietMs: 50, timeoutMs: 2000 });
    expect(result).toMatchObject({ settled: true, settleMs: 0, changed: false });
    expect(result.elapsedMs).toBeLessThan(250);
  });

  it('a screen that keeps changing ends the wait at timeoutMs, unsettled', async () => {
    const every20 = Array.from({ length: 30 }, (_, i) => i * 20);
    const result = await settleAfter(every20, { quietMs: 50, timeoutMs: 300 });
    expect(result).toMatchObject({ settled: false, changed: true });
    expect(result.settleMs).toBeGreaterThanOrEqual(299);
    expect(result.elapsedMs).toBeLessThan(600);
  });

  it('without damage events: the fixed wait, capped by timeoutMs', async () => {
    const fixed = await settleAfter([], { quietMs: 10, timeoutMs: 3000 }, false);
    expect(fixed).toMatchObject({ settled: false, settleMs: NO_DAMAGE_WAIT_MS, changed: true });
    expect(fixed.elapsedMs).toBeGreaterThanOrEqual(NO_DAMAGE_WAIT_MS - 1);
    const capped = await settleAfter([], { quietMs: 10, timeoutMs: 40 }, false);
    expect(capped).toMatchObject({ settled: false, settleMs: 40 });
  });

  it('an abort ends the wait at once', async () => {
    const fake = fakeDesktop();
    const watch = await SettleWatch.start(fake.desktop);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('gone')), 30);
    await expect(
      watch.wait({ quietMs: 1000, timeoutMs: 5000, signal: controller.signal }),
    ).rejects.toThrow('gone');
    watch.close();
    await sleep(0);
  });
});
