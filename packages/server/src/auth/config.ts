import { Authenticator } from './authenticator.js';
import { LocalKeysVerifier } from './local-keys-verifier.js';
import { FailureRateLimiter } from './rate-limiter.js';
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
  maxFailures?: number;
  failureWindowMs?: number;
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
  const limiter = () =>
    new FailureRateLimiter({
      maxFailures: settings.maxFailures ?? 10,
      windowMs: settings.failureWindowMs ?? 60_000,
    });
  const remote = (containerName: string) =>
    new RemoteVerifier({
      baseUrl: settings.authBaseUrl || DEFAULT_AUTH_BASE_URL,
      containerName,
      timeoutMs: settings.remoteTimeoutMs ?? 5000,
      cacheTtlMs: settings.remoteCacheTtlMs ?? 30_000,
    });
  const on = (verifier: RemoteVerifier | LocalKeysVerifier, why: string): ResolvedAuth => ({
    authenticator: new Authenticator(verifier, limiter()),
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
