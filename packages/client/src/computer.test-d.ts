import { describe, expectTypeOf, it } from 'vitest';
import type { Computer } from './computer.js';

declare const computer: Computer;

describe('Computer.call types come from the protocol registry', () => {
  it('infers results', () => {
    expectTypeOf(computer.call('get_screen_size')).resolves.toEqualTypeOf<{
      size: { width: number; height: number };
      scale_factor?: number | undefined;
    }>();
    expectTypeOf(computer.call('run_command', { command: 'ls' })).resolves.toHaveProperty('return_code');
    expectTypeOf(computer.version()).resolves.toHaveProperty('protocol').toEqualTypeOf<number>();
  });

  it('requires params exactly when the command has required ones', () => {
    computer.call('version');
    computer.call('screenshot');
    computer.call('screenshot', { format: 'jpeg', quality: 80 });
    computer.call('move_cursor', { x: 1, y: 2 });
    // @ts-expect-error move_cursor needs x and y
    computer.call('move_cursor');
    // @ts-expect-error y is missing
    computer.call('move_cursor', { x: 1 });
    // @ts-expect-error x must be a number
    computer.call('move_cursor', { x: '1', y: 2 });
    // @ts-expect-error no such command
    computer.call('nosuch');
    // @ts-expect-error button is an enum
    computer.call('mouse_down', { button: 'fourth' });
  });
});
