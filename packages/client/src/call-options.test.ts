import { describe, expect, it } from 'vitest';
import { trailingOptions } from './call-options.js';

describe('positional arguments, options last', () => {
  it.each([
    [[], [], undefined],
    [[1, 2], [1, 2], undefined],
    [[1, 2, { timeoutMs: 5 }], [1, 2], { timeoutMs: 5 }],
    [[{ observe: true }], [], { observe: true }],
    [['left', undefined], ['left'], undefined],
    [[1, 2, undefined, { timeoutMs: 5 }], [1, 2, undefined], { timeoutMs: 5 }],
    [[['ctrl', 'c']], [['ctrl', 'c']], undefined],
  ])('%j → values %j, options %j', (args, values, options) => {
    expect(trailingOptions(args)).toEqual([values, options]);
  });
});
