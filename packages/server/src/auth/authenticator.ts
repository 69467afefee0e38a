import { AUTH_MESSAGES, parseAuthenticateFrame, type ErrorCode } from '@cua/computer-protocol';
import type { FailureThrottle } from './failure-throttle.js';
import type { Verifier } from './verifier.js';

/**
 * A failure carries `delayMs`: how long the transport waits before answering it. The wait is
 * the throttle (failures are slowed, successes never); the transport may cut it short by
 * dropping the connection when it needs the slot for someone else.
 */
export type AuthOutcome =
  { ok: true } | { ok: false; message: string; code: ErrorCode; delayMs: number };

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/**
 * Cloud authentication with upstream's messages and their order (docs/protocol.md, Authentication).
 * The credential is always checked first; only a failure consults the throttle.
 */
export class Authenticator {
  constructor(
    readonly verifier: Verifier,
    private readonly throttle: FailureThrottle,
  ) {}

  /** The first `/ws` frame (undefined: a binary one): it must be `authenticate` with credentials. */
  async checkFirstFrame(text: string | undefined, address: string): Promise<AuthOutcome> {
    const frame = parseAuthenticateFrame(text);
    if (!frame.ok) return this.failed(address, frame.apiKey, frame.error, frame.code);
    return this.verify(frame.containerName, frame.apiKey, address);
  }

  /** `X-Container-Name` and `X-API-Key` on HTTP routes that act; upstream checks the name first. */
  async checkHeaders(
    containerName: unknown,
    apiKey: unknown,
    address: string,
  ): Promise<AuthOutcome> {
    if (!nonEmpty(containerName)) {
      return this.failed(address, apiKey, AUTH_MESSAGES.containerNameRequired, 'auth_required');
    }
    if (!nonEmpty(apiKey)) {
      return this.failed(address, apiKey, AUTH_MESSAGES.apiKeyRequired, 'auth_required');
    }
    return this.verify(containerName, apiKey, address);
  }

  private async verify(
    containerName: string,
    apiKey: string,
    address: string,
  ): Promise<AuthOutcome> {
    const valid = await this.verifier.verify(containerName, apiKey, address);
    return valid ? { ok: true } : this.failed(address, apiKey, AUTH_MESSAGES.failed);
  }

  private failed(
    address: string,
    apiKey: unknown,
    message: string,
    code: ErrorCode = 'auth_failed',
  ): AuthOutcome {
    const delayMs = this.throttle.recordFailure(address, apiKey);
    return { ok: false, message, code, delayMs };
  }
}
