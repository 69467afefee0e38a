import type { ErrorCode } from '@cua/computer-protocol';

const BRAND = Symbol.for('@cua/computer-client/error');

export type ComputerErrorKind = 'command' | 'connection' | 'timeout' | 'authentication';

/**
 * Base of every error the client throws. `isInstance` checks a global symbol brand, so errors
 * are recognised even when two copies of this package are bundled (where `instanceof` fails).
 */
export class CuaClientError extends Error {
  readonly [BRAND] = true;
  readonly kind: ComputerErrorKind;

  constructor(kind: ComputerErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = new.target.name;
  }

  static isInstance(value: unknown): value is CuaClientError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as { [BRAND]?: unknown })[BRAND] === true
    );
  }
}

/** The server answered `success: false`; `code` is its machine-readable reason. */
export class ComputerError extends CuaClientError {
  readonly code: ErrorCode | (string & {});
  readonly command: string;
  /** The whole failure reply, for fields such as run_command's `stdout`. */
  readonly reply: Record<string, unknown>;

  constructor(command: string, reply: Record<string, unknown>) {
    // Upstream failures may lack `error`: find_element says `message`, and a timed-out
    // run_command says only `stderr`.
    const message =
      (typeof reply.error === 'string' && reply.error) ||
      (typeof reply.message === 'string' && reply.message) ||
      (typeof reply.stderr === 'string' && reply.stderr.trim()) ||
      `${command} failed`;
    super('command', message);
    this.command = command;
    this.reply = reply;
    this.code = typeof reply.code === 'string' ? reply.code : 'command_failed';
  }

  static override isInstance(value: unknown): value is ComputerError {
    return CuaClientError.isInstance(value) && value.kind === 'command';
  }
}

/** The connection could not be made, or broke while a call was in flight. */
export class ConnectionError extends CuaClientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('connection', message, options);
  }

  static override isInstance(value: unknown): value is ConnectionError {
    return CuaClientError.isInstance(value) && value.kind === 'connection';
  }
}

/** A call got no reply within its `timeoutMs`. */
export class TimeoutError extends CuaClientError {
  constructor(message: string) {
    super('timeout', message);
  }

  static override isInstance(value: unknown): value is TimeoutError {
    return CuaClientError.isInstance(value) && value.kind === 'timeout';
  }
}

/** The server refused the credentials, or wants some and got none. */
export class AuthenticationError extends CuaClientError {
  /** `auth_required` or `auth_failed` when the server said which (HTTP transport). */
  readonly code: ErrorCode | (string & {}) | undefined;

  constructor(message: string, code?: string) {
    super('authentication', message);
    this.code = code;
  }

  static override isInstance(value: unknown): value is AuthenticationError {
    return CuaClientError.isInstance(value) && value.kind === 'authentication';
  }
}
