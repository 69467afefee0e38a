import type { IncomingHttpHeaders } from 'node:http';

const TRUTHY = new Set(['1', 'true', 'yes', 'y', 'on']);

export const UNAVAILABLE_DETAIL =
  'Service unavailable: CONTAINER_NAME is required but not configured';

/**
 * Upstream's `UNAVAILABLE_WITHOUT_CONTAINER_NAME` gate (reference §1.6), read per request so a
 * deployment can flip it without a restart. Returns the HTTP status to refuse with, or undefined.
 */
export function unavailableStatus(env: NodeJS.ProcessEnv): number | undefined {
  const flag = (env.UNAVAILABLE_WITHOUT_CONTAINER_NAME ?? '').trim().toLowerCase();
  if (!TRUTHY.has(flag) || env.CONTAINER_NAME) return undefined;
  const status = Number.parseInt(
    env.UNAVAILABLE_WITHOUT_CONTAINER_NAME_RESPONSE_STATUS_CODE ?? '',
    10,
  );
  return Number.isInteger(status) && status >= 100 && status <= 599 ? status : 503;
}

/**
 * Cross-site protection: a browser always sends `Origin` on WebSocket upgrades and on cross-site
 * POSTs, so a request carrying an Origin that is not on the allow-list comes from some web page
 * the user happened to open, and is refused. Agents and CLIs send no Origin and pass.
 */
export function originAllowed(headers: IncomingHttpHeaders, allowed: ReadonlySet<string>): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  return allowed.has(origin.toLowerCase().replace(/\/+$/, ''));
}

export function normalizeOrigin(origin: string): string {
  return origin.trim().toLowerCase().replace(/\/+$/, '');
}
