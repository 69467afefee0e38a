import { describe, expectTypeOf, it } from 'vitest';
import type { Computer } from './computer.js';
import type { BatchAction, Observation, Observed } from './observation.js';

declare const computer: Computer;

describe('observe on input methods', () => {
  it('resolves with the observation exactly when observe was given', () => {
    expectTypeOf(computer.leftClick(1, 2)).resolves.toEqualTypeOf<void>();
    expectTypeOf(computer.leftClick(1, 2, { timeoutMs: 5 })).resolves.toEqualTypeOf<void>();
    expectTypeOf(computer.leftClick(1, 2, { observe: true })).resolves.toEqualTypeOf<Observed>();
    expectTypeOf(
      computer.leftClick({ observe: { quietMs: 50 } }),
    ).resolves.toEqualTypeOf<Observed>();
    expectTypeOf(computer.typeText('x', { observe: false })).resolves.toEqualTypeOf<void>();
    expectTypeOf(computer.pressKey('a', { observe: true })).resolves.toEqualTypeOf<Observed>();
    expectTypeOf(
      computer.hotkey(['ctrl', 'c'], { observe: true }),
    ).resolves.toEqualTypeOf<Observed>();
    expectTypeOf(computer.hotkey('ctrl', 'c')).resolves.toEqualTypeOf<void>();
    expectTypeOf(
      computer.dragTo(3, 4, { button: 'left', observe: { format: 'jpeg' } }),
    ).resolves.toEqualTypeOf<Observed>();
    expectTypeOf(
      computer.scrollDirection('down', 3, { observe: true }),
    ).resolves.toEqualTypeOf<Observed>();
    expectTypeOf(computer.mouseDown('left', { observe: true })).resolves.toEqualTypeOf<Observed>();
  });

  it('is optional when the options type cannot tell', () => {
    const maybe: { observe?: boolean } = {};
    expectTypeOf(computer.leftClick(1, 2, maybe)).resolves.toEqualTypeOf<Observed | undefined>();
  });

  it('observe and batch', () => {
    expectTypeOf(computer.observe({ quietMs: 200 })).resolves.toEqualTypeOf<Observation>();
    const batch = computer.batch([{ command: 'left_click', params: { x: 1, y: 2 } }], {
      observe: true,
    });
    expectTypeOf(batch).resolves.toHaveProperty('observation').toEqualTypeOf<Observation>();
    expectTypeOf(computer.batch([{ command: 'left_click' }])).resolves.not.toHaveProperty(
      'observation',
    );
  });

  it('types batch actions from the registry', () => {
    expectTypeOf<{ command: 'type_text'; params: { text: string } }>().toExtend<BatchAction>();
    expectTypeOf<{ command: 'type_text' }>().not.toExtend<BatchAction>();
    expectTypeOf<{ command: 'screenshot' }>().not.toExtend<BatchAction>();
    expectTypeOf<{
      command: 'left_click';
      params: { observe: true };
    }>().not.toExtend<BatchAction>();
  });
});
