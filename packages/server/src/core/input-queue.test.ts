import { describe, expect, it } from 'vitest';
import { InputQueue } from './input-queue.js';

describe('InputQueue', () => {
  it('runs tasks one at a time in order, whatever their outcome', async () => {
    const queue = new InputQueue();
    const order: string[] = [];
    const a = queue.run(async () => {
      order.push('a');
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new Error('a failed');
    });
    const b = queue.run(async () => void order.push('b'));
    await expect(a).rejects.toThrow('a failed');
    await b;
    expect(order).toEqual(['a', 'b']);
  });

  it('a task that releases lets the next start while it still waits', async () => {
    const queue = new InputQueue();
    const order: string[] = [];
    const first = queue.run(async (release) => {
      order.push('first acted');
      release();
      await new Promise((resolve) => setTimeout(resolve, 50));
      order.push('first done');
    });
    const second = queue.run(async () => void order.push('second'));
    await Promise.all([first, second]);
    expect(order).toEqual(['first acted', 'second', 'first done']);
  });
});
