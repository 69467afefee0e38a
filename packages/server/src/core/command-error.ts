import type { ErrorCode } from '@cua/computer-protocol';

/** What a handler throws to fail with a specific code; anything else becomes `internal`. */
export class CommandError extends Error {
  readonly code: ErrorCode;
  /** Extra reply fields upstream clients read on failure (e.g. run_command's stdout). */
  readonly fields: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, fields?: Record<string, unknown>) {
    super(message);
    this.name = 'CommandError';
    this.code = code;
    this.fields = fields;
  }
}

export function unsupported(message: string): never {
  throw new CommandError('unsupported', message);
}
