// The transport a Computer's options select, with the platform's WebSocket or fetch by default.
import { resolveReconnect } from './backoff.js';
import type { ComputerOptions } from './computer-types.js';
import { Connection } from './connection.js';
import type { Endpoint } from './endpoint.js';
import { ConnectionError } from './errors.js';
import { HttpTransport, type FetchLike } from './http-transport.js';
import type { Credentials, Transport } from './transport.js';
import type { WebSocketFactory } from './websocket-like.js';

export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** The cloud credentials, when both halves are given. */
export function credentialsOf(options: ComputerOptions): Credentials | undefined {
  const { containerName, apiKey } = options;
  return containerName && apiKey ? { containerName, apiKey } : undefined;
}

/** `timeoutMs`: the default per-call timeout, `options.timeoutMs` or DEFAULT_TIMEOUT_MS. */
export function createTransport(
  endpoint: Endpoint,
  options: ComputerOptions,
  timeoutMs: number,
): Transport {
  const credentials = credentialsOf(options);
  if (endpoint.transport === 'http') {
    const fetch = options.fetch ?? platformFetch();
    return new HttpTransport({ baseUrl: endpoint.url, fetch, timeoutMs, credentials });
  }
  return new Connection({
    url: endpoint.url,
    createWebSocket: options.createWebSocket ?? platformWebSocket(),
    timeoutMs,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    credentials,
    reconnect: resolveReconnect(options.reconnect),
    onStateChange: options.onStateChange,
  });
}

function platformWebSocket(): WebSocketFactory {
  const Ctor = (globalThis as { WebSocket?: new (url: string) => unknown }).WebSocket;
  if (!Ctor) {
    return () => {
      throw new ConnectionError(
        'No WebSocket implementation: use the Node entry of @cua/computer-client ' +
          'or pass createWebSocket',
      );
    };
  }
  return (url) => new Ctor(url) as ReturnType<WebSocketFactory>;
}

function platformFetch(): FetchLike {
  const fetchFn = (globalThis as { fetch?: FetchLike }).fetch;
  if (!fetchFn) {
    return () => Promise.reject(new ConnectionError('No fetch implementation: pass options.fetch'));
  }
  return (url, init) => fetchFn(url, init);
}
