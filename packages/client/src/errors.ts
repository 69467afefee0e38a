import type { ErrorCode } from '@cua/computer-protocol';
import { httpStatusOf, isErrorCode, readReplyEnvelope } from '@cua/computer-protocol/wire';

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
    // A literal, not the constructor's name, which minifiers rename; each subclass sets its own.
    this.name = 'CuaClientError';
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
    const envelope = readReplyEnvelope(reply);
    const failure = envelope.kind === 'failure' ? envelope : undefined;
    // Upstream failures may lack `error`: find_element says `message`, and a timed-out
    // run_command says only `stderr`.
    const message =
      failure?.message ||
      (typeof reply.stderr === 'string' && reply.stderr.trim()) ||
      `${command} failed`;
    super('command', message);
    this.name = 'ComputerError';
    this.command = command;
    this.reply = reply;
    this.code = failure?.code ?? 'command_failed';
  }

  static override isInstance(value: unknown): value is ComputerError {
    return CuaClientError.isInstance(value) && value.kind === 'command';
  }
}

/** The connection could not be made, or broke while a call was in flight. */
export class ConnectionError extends CuaClientError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('connection', message, options);
    this.name = 'ConnectionError';
  }

  static override isInstance(value: unknown): value is ConnectionError {
    return CuaClientError.isInstance(value) && value.kind === 'connection';
  }
}

/** A call got no reply within its `timeoutMs`. */
export class TimeoutError extends CuaClientError {
  constructor(message: string) {
    super('timeout', message);
    this.name = 'TimeoutError';
  }

  static override isInstance(value: unknown): value is TimeoutError {
    return CuaClientError.isInstance(value) && value.kind === 'timeout';
  }
}

/** The server refused the credentials, or wants some and got none. */
export class AuthenticationError extends CuaClientError {
  /** `auth_required`, `auth_failed` or `rate_limited` when the server said which. */
  readonly code: ErrorCode | (string & {}) | undefined;

  constructor(message: string, code?: string) {
    super('authentication', message);
    this.name = 'AuthenticationError';
    this.code = code;
  }

  static override isInstance(value: unknown): value is AuthenticationError {
    return CuaClientError.isInstance(value) && value.kind === 'authentication';
  }
}

/** The codes the protocol answers with HTTP 401: the credentials' fault, not the call's. */
export function isAuthenticationCode(code: string | undefined): boolean {
  return isErrorCode(code) && httpStatusOf(code) === 401;
}
