import { createHash, timingSafeEqual } from 'node:crypto';
import type { Verifier } from './verifier.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * API keys configured on this server (flag, env var or file). Keys are compared as SHA-256
 * digests with a constant-time comparison, so neither content nor length leaks through timing.
 */
export class LocalKeysVerifier implements Verifier {
  readonly description: string;
  private readonly digests: Buffer[];

  constructor(
    keys: readonly string[],
    /** When set, the client's container name must equal it. */
    private readonly containerName?: string,
  ) {
    if (keys.length === 0) throw new Error('LocalKeysVerifier needs at least one key');
    this.digests = keys.map(digest);
    this.description = `${keys.length} local API key${keys.length === 1 ? '' : 's'}${
      containerName ? ` for container ${containerName}` : ''
    }`;
  }

  async verify(containerName: string, apiKey: string): Promise<boolean> {
    if (this.containerName !== undefined && containerName !== this.containerName) return false;
    const candidate = digest(apiKey);
    let match = false;
    // No early exit: every key is compared whatever the outcome.
    for (const known of this.digests) match = timingSafeEqual(known, candidate) || match;
    return match;
  }
}

/** Keys from a file: one per line; blank lines and `#` comments ignored. */
export function parseKeysFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('#'));
}
