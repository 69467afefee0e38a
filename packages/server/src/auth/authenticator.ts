import { AUTH_MESSAGES, type ErrorCode } from '@cua/computer-protocol';
import type { FailureThrottle } from './failure-throttle.js';
import type { Verifier } from './verifier.js';

/**
 * A failure carries `delayMs`: how long the transport waits before answering it. The wait is
 * the throttle (failures are slowed, successes never); the transport may cut it short by
 * dropping the connection when it needs the slot for someone else.
 */
export type AuthOutcome =
  { ok: true } | { ok: false; message: string; code: ErrorCode; delayMs: number };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/**
 * Cloud authentication with upstream's messages and their order (reference §2.3 and §2.4).
 * The credential is always checked first; only a failure consults the throttle.
 */
export class Authenticator {
  constructor(
    readonly verifier: Verifier,
    private readonly throttle: FailureThrottle,
  ) {}

  /** The first `/ws` frame: it must be `authenticate` with a container name and an API key. */
  async checkFirstFrame(text: string | undefined, address: string): Promise<AuthOutcome> {
    let frame: unknown;
    try {
      frame = text === undefined ? undefined : JSON.parse(text);
    } catch {
      frame = undefined;
    }
    if (!isPlainObject(frame)) return this.failed(address, undefined, AUTH_MESSAGES.failed);
    if (frame.command !== 'authenticate') {
      return this.failed(address, undefined, AUTH_MESSAGES.firstMessage, 'auth_required');
    }
    const params = frame.params ?? {};
    if (!isPlainObject(params)) return this.failed(address, undefined, AUTH_MESSAGES.failed);
    return this.check(params.container_name, params.api_key, address);
  }

  /** `X-Container-Name` and `X-API-Key` on HTTP routes that act. */
  checkHeaders(containerName: unknown, apiKey: unknown, address: string): Promise<AuthOutcome> {
    return this.check(containerName, apiKey, address, 'http');
  }

  private async check(
    containerName: unknown,
    apiKey: unknown,
    address: string,
    order: 'ws' | 'http' = 'ws',
  ): Promise<AuthOutcome> {
    // Upstream checks the key first on /ws and the name first over HTTP.
    const missing =
      order === 'ws'
        ? (!nonEmpty(apiKey) && AUTH_MESSAGES.apiKeyRequired) ||
          (!nonEmpty(containerName) && AUTH_MESSAGES.containerNameRequired)
        : (!nonEmpty(containerName) && AUTH_MESSAGES.containerNameRequired) ||
          (!nonEmpty(apiKey) && AUTH_MESSAGES.apiKeyRequired);
    if (missing) return this.failed(address, apiKey, missing, 'auth_required');
    const valid = await this.verifier.verify(containerName as string, apiKey as string, address);
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
