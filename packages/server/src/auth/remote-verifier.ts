import { createHash } from 'node:crypto';
import type { CheckGate } from './check-gate.js';
import type { Verifier } from './verifier.js';

export interface RemoteVerifierOptions {
  /** `CUA_BASE_URL_AUTH`; a trailing `/` is ignored. */
  baseUrl: string;
  /** `CONTAINER_NAME`: the only name accepted; a mismatch is rejected without a remote call. */
  containerName: string;
  timeoutMs?: number;
  /** How long a success is trusted; failures are never cached (a cold DNS miss must not stick). */
  cacheTtlMs?: number;
  fetch?: typeof fetch;
  /** Bounds the checks running at once (per address and in total); none by default. */
  gate?: CheckGate;
}

/**
 * Upstream-compatible verification: `GET {base}/api/vm/auth?container_name=…` with the key as a
 * Bearer token; valid only on HTTP 200 with a non-empty body. Any error means rejected.
 */
export class RemoteVerifier implements Verifier {
  readonly description: string;
  private readonly baseUrl: string;
  private readonly cache = new Map<string, number>();

  constructor(private readonly options: RemoteVerifierOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.description = `remote verification at ${this.baseUrl} for container ${options.containerName}`;
  }

  async verify(containerName: string, apiKey: string, address = 'unknown'): Promise<boolean> {
    if (containerName !== this.options.containerName) return false;
    const cacheKey = createHash('sha256').update(`${containerName}\0${apiKey}`).digest('hex');
    const until = this.cache.get(cacheKey);
    // A key known to be good passes at once, however busy the gate is.
    if (until !== undefined && until > Date.now()) return true;
    this.cache.delete(cacheKey);
    const { gate } = this.options;
    return gate ? gate.run(address, () => this.ask(cacheKey, apiKey)) : this.ask(cacheKey, apiKey);
  }

  private async ask(cacheKey: string, apiKey: string): Promise<boolean> {
    const { containerName } = this.options;
    const url = `${this.baseUrl}/api/vm/auth?container_name=${encodeURIComponent(containerName)}`;
    const doFetch = this.options.fetch ?? fetch;
    try {
      const res = await doFetch(url, {
        headers: { authorization: `Bearer ${apiKey}` },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      const body = await res.text();
      const ok = res.status === 200 && body.trim().length > 0;
      if (ok) {
        this.cache.set(cacheKey, Date.now() + (this.options.cacheTtlMs ?? 30_000));
        if (this.cache.size > 10_000) this.pruneCache();
      }
      return ok;
    } catch {
      return false;
    }
  }

  private pruneCache(): void {
    const now = Date.now();
    for (const [key, until] of this.cache) if (until <= now) this.cache.delete(key);
  }
}
