import type { IncomingHttpHeaders } from 'node:http';

const TRUTHY = new Set(['1', 'true', 'yes', 'y', 'on']);

export const UNAVAILABLE_DETAIL =
  'Service unavailable: CONTAINER_NAME is required but not configured';

/**
 * Upstream's `UNAVAILABLE_WITHOUT_CONTAINER_NAME` gate (docs/protocol.md, Availability gate),
 * read per request so a deployment can flip it without a restart. Returns the HTTP status to
 * refuse with, or undefined.
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
 * the user happened to open, and is refused. Agents and CLIs send no Origin and pass. An Origin
 * that is no origin at all (`null` from a sandboxed page or a file, garbage) never passes.
 */
export function originAllowed(headers: IncomingHttpHeaders, allowed: ReadonlySet<string>): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  const normalized = normalizeOrigin(origin);
  return normalized !== undefined && allowed.has(normalized);
}

/**
 * An origin as a browser writes it, `scheme://host[:port]` in lower case without the scheme's
 * default port, or undefined for anything that is not one: a path, a query, credentials,
 * `null`, no host. The allow-list and the header both go through here, so `HTTP://LocalHost:80/`
 * given on the command line matches the `http://localhost` a browser sends, and only that.
 */
export function normalizeOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (url.host === '' || url.username !== '' || url.password !== '') return undefined;
  if (url.search !== '' || url.hash !== '' || !['', '/'].includes(url.pathname)) return undefined;
  // `url.origin` is "null" for schemes such as chrome-extension:, which a page can still have.
  return `${url.protocol}//${url.host}`.toLowerCase();
}

/** The `allowOrigins` option as a set; an entry that is no origin is a mistake worth stopping for. */
export function allowedOriginSet(origins: readonly string[]): ReadonlySet<string> {
  return new Set(
    origins.map((origin) => {
      const normalized = normalizeOrigin(origin);
      if (normalized === undefined) {
        throw new Error(
          `${JSON.stringify(origin)} is not an origin: give scheme://host[:port], e.g. ` +
            'http://localhost:5173',
        );
      }
      return normalized;
    }),
  );
}

/** Which Host headers a server answers; see `hostPolicyFor`. */
export interface HostPolicy {
  /** Lower-case host names (no port) allowed besides IP literals and localhost. */
  readonly names: ReadonlySet<string>;
}

/** Whether a bind address is this machine's loopback (nothing else can reach it). */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * DNS rebinding: a web page at `evil.example` can point its name at 127.0.0.1 and then read
 * this server with the browser's blessing (same origin, no Origin header on GET). The page's
 * name still shows in the Host header, so a server bound to loopback answers only Host values
 * it knows: an IP literal (no DNS involved), `localhost` and `*.localhost` (browsers resolve
 * those themselves), and the names given with `--allowed-host`. Bound elsewhere, Host is
 * checked only when names were given.
 */
export function hostPolicyFor(
  bindHost: string,
  allowedHosts: readonly string[],
): HostPolicy | undefined {
  if (!isLoopbackHost(bindHost) && allowedHosts.length === 0) return undefined;
  return { names: new Set(allowedHosts.map((name) => hostName(name))) };
}

export function hostAllowed(header: string | undefined, policy: HostPolicy | undefined): boolean {
  // A client that sends no Host is no browser (browsers always send one).
  if (policy === undefined || header === undefined) return true;
  const name = hostName(header);
  if (name === '') return false;
  if (isIpLiteral(name)) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  return policy.names.has(name);
}

/** `Example.COM.:8000` → `example.com`; `[::1]:80` → `::1`. */
function hostName(value: string): string {
  let h = value.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    h = end < 0 ? '' : h.slice(1, end);
  } else {
    const colon = h.indexOf(':');
    // More than one colon without brackets: a bare IPv6 literal.
    if (colon >= 0 && h.indexOf(':', colon + 1) < 0) h = h.slice(0, colon);
  }
  return h.replace(/\.$/, '');
}

function isIpLiteral(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || (name.includes(':') && /^[0-9a-f:.]+$/.test(name));
}
