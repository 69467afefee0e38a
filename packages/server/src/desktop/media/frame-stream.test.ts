import { describe, expect, it } from 'vitest';
import type { DamageEvent, Desktop } from '../desktop.js';
import { streamFrames } from './frame-stream.js';

/** A desktop whose screen changes all the time, counting the frames it is asked to encode. */
function busyDesktop() {
  let listener: ((event: DamageEvent) => void) | undefined;
  const timer = setInterval(
    () => listener?.({ area: { x: 0, y: 0, width: 9, height: 9 }, at: performance.now() }),
    2,
  );
  const desktop = {
    capabilities: { damage: true },
    captures: 0,
    onDamage(l: (event: DamageEvent) => void) {
      listener = l;
      return () => {
        listener = undefined;
      };
    },
    screenSize: () => Promise.resolve({ width: 4, height: 4 }),
    capture() {
      desktop.captures += 1;
      return Promise.resolve({ data: new Uint8Array(8), format: 'jpeg', width: 4, height: 4 });
    },
  };
  return { desktop, stop: () => clearInterval(timer) };
}

describe('streamFrames', () => {
  it('takes the next frame only once the last one was delivered: one frame in flight', async () => {
    const { desktop, stop } = busyDesktop();
    const controller = new AbortController();
    let release: (() => void) | undefined;
    const delivered: number[] = [];
    const done = streamFrames(
      desktop as unknown as Desktop,
      { format: 'jpeg', quality: 70, fps: 60, signal: controller.signal },
      (frame) =>
        new Promise<void>((resolve) => {
          delivered.push(frame.seq);
          release = resolve;
        }),
    );
    // A reader that never reads: 300 ms of constant change, and still one frame taken.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(desktop.captures).toBe(1);
    release?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(desktop.captures).toBe(2);
    expect(delivered).toEqual([1, 2]);
    controller.abort();
    expect(await done).toBe(2);
    stop();
  });

  it('caps the rate at fps, and sends nothing while the screen is still', async () => {
    const { desktop, stop } = busyDesktop();
    const controller = new AbortController();
    const done = streamFrames(
      desktop as unknown as Desktop,
      { format: 'jpeg', quality: 70, fps: 10, signal: controller.signal },
      async () => undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    stop();
    const afterBusy = desktop.captures;
    expect(afterBusy).toBeGreaterThanOrEqual(4);
    expect(afterBusy).toBeLessThanOrEqual(7);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(desktop.captures).toBeLessThanOrEqual(afterBusy + 1);
    controller.abort();
    await done;
  });
});
