import { LIMITS } from '../core/limits.js';
import { Authenticator } from './authenticator.js';
import { CheckGate } from './check-gate.js';
import { FailureThrottle } from './failure-throttle.js';
import { LocalKeysVerifier } from './local-keys-verifier.js';
import { RemoteVerifier } from './remote-verifier.js';

export const AUTH_MODES = ['auto', 'none', 'container', 'keys'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export interface AuthSettings {
  mode: AuthMode;
  /** `CONTAINER_NAME`: switches `auto` to cloud auth, as upstream does. */
  containerName?: string | undefined;
  /** `CUA_BASE_URL_AUTH`. */
  authBaseUrl?: string | undefined;
  apiKeys?: readonly string[] | undefined;
  /** Failures per address or credential within the window before failure replies are delayed. */
  maxFailures?: number;
  failureWindowMs?: number;
  /** Ceiling of the delay of a failure reply. */
  maxFailureDelayMs?: number;
  /** Failures from all addresses within the window before everyone gets the ceiling. */
  globalFailureBudget?: number;
  remoteTimeoutMs?: number;
  remoteCacheTtlMs?: number;
}

export const DEFAULT_AUTH_BASE_URL = 'https://www.cua.ai';

export interface ResolvedAuth {
  authenticator: Authenticator | undefined;
  /** For the start-up line: which mode, and why. */
  summary: string;
}

export function resolveAuth(settings: AuthSettings): ResolvedAuth {
  const keys = settings.apiKeys ?? [];
  const name = settings.containerName || undefined;
  const throttle = new FailureThrottle({
    freeFailures: settings.maxFailures ?? LIMITS.freeAuthFailures,
    windowMs: settings.failureWindowMs ?? LIMITS.authFailureWindowMs,
    baseDelayMs: LIMITS.authFailureBaseDelayMs,
    maxDelayMs: settings.maxFailureDelayMs ?? LIMITS.authFailureMaxDelayMs,
    globalBudget: settings.globalFailureBudget ?? LIMITS.globalAuthFailureBudget,
  });
  const remote = (containerName: string) =>
    new RemoteVerifier({
      baseUrl: settings.authBaseUrl || DEFAULT_AUTH_BASE_URL,
      containerName,
      timeoutMs: settings.remoteTimeoutMs ?? 5000,
      cacheTtlMs: settings.remoteCacheTtlMs ?? 30_000,
      gate: new CheckGate({
        maxPerAddress: LIMITS.maxRemoteChecksPerAddress,
        maxTotal: LIMITS.maxRemoteChecksTotal,
        slowLane: () => throttle.globalExhausted(),
        slowLaneIntervalMs: LIMITS.slowLaneIntervalMs,
      }),
    });
  const on = (verifier: RemoteVerifier | LocalKeysVerifier, why: string): ResolvedAuth => ({
    authenticator: new Authenticator(verifier, throttle),
    summary: `auth on: ${verifier.description} (${why})`,
  });

  switch (settings.mode) {
    case 'none':
      return {
        authenticator: undefined,
        summary: 'auth off (--auth none): local mode, anyone who can reach the port may act',
      };
    case 'keys':
      if (keys.length === 0)
        throw new Error(
          '--auth keys needs at least one key (--api-key, CUA_API_KEYS or --api-keys-file)',
        );
      return on(new LocalKeysVerifier(keys, name), '--auth keys');
    case 'container':
      if (!name)
        throw new Error(
          '--auth container needs a container name (--container-name or CONTAINER_NAME)',
        );
      return on(remote(name), '--auth container');
    case 'auto':
      if (keys.length > 0) return on(new LocalKeysVerifier(keys, name), 'API keys are configured');
      if (name) return on(remote(name), 'CONTAINER_NAME is set');
      return {
        authenticator: undefined,
        summary: 'auth off: no CONTAINER_NAME and no API keys (local mode)',
      };
  }
}
