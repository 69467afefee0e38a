import { describe, expectTypeOf, it } from 'vitest';
import type { CommandParams, CommandsOfGroup, ResolvedParams } from './index.js';

describe('registry types', () => {
  it('selects commands by group', () => {
    expectTypeOf<CommandsOfGroup<'clipboard'>>().toEqualTypeOf<
      'copy_to_clipboard' | 'set_clipboard'
    >();
    expectTypeOf<CommandsOfGroup<'files'>>().toExtend<string>();
    expectTypeOf<'read_bytes'>().toExtend<CommandsOfGroup<'files'>>();
  });

  it('separates what callers send from what handlers get', () => {
    expectTypeOf<CommandParams<'drag_to'>>().toEqualTypeOf<{
      x: number;
      y: number;
      button?: 'left' | 'right' | 'middle' | undefined;
      duration?: number | undefined;
      observe?: boolean | CommandParams<'observe'> | undefined;
    }>();
    expectTypeOf<ResolvedParams<'drag_to'>['button']>().toEqualTypeOf<
      'left' | 'right' | 'middle'
    >();
  });
});
