import { describe, expectTypeOf, it } from 'vitest';
import type { Computer, OutputChunk, RunCommandOptions } from './index.js';

declare const computer: Computer;

describe('runCommand onOutput', () => {
  it('is typed: each chunk names its stream and carries text', () => {
    expectTypeOf<OutputChunk>().toEqualTypeOf<{ stream: 'stdout' | 'stderr'; data: string }>();
    expectTypeOf<RunCommandOptions['onOutput']>().toEqualTypeOf<
      ((chunk: OutputChunk) => void) | undefined
    >();
    computer.runCommand('ls', {
      timeout: 5,
      timeoutMs: 10_000,
      onOutput: (chunk) => {
        expectTypeOf(chunk.stream).toEqualTypeOf<'stdout' | 'stderr'>();
        expectTypeOf(chunk.data).toEqualTypeOf<string>();
      },
    });
    expectTypeOf(computer.runCommand('ls', { onOutput: () => undefined })).resolves.toHaveProperty(
      'returnCode',
    );
  });

  it('rejects a callback of another shape', () => {
    // @ts-expect-error onOutput receives a chunk object, not a string
    computer.runCommand('ls', { onOutput: (text: string) => text.length });
    // @ts-expect-error onOutput is a function
    computer.runCommand('ls', { onOutput: true });
    computer.runCommand('ls', {
      onOutput: (chunk) => {
        // @ts-expect-error there is no stdin stream
        if (chunk.stream === 'stdin') return;
      },
    });
  });
});
