// Where a Computer connects: the transport and URL its options select, cloud defaults included.
import { DEFAULT_HOST, DEFAULT_PORT } from '@cua/computer-protocol/wire';
import type { ComputerOptions } from './computer-types.js';

/** Where cloud containers listen (TLS). */
const CLOUD_PORT = 8443;

/** Where a cloud container listens unless host, port or url say otherwise. */
export function cloudHost(containerName: string): string {
  return `${containerName}.containers.cloud.trycua.com`;
}

export interface Endpoint {
  transport: 'websocket' | 'http';
  url: string;
}

/** The transport and URL a Computer with these options uses. */
export function resolveEndpoint(options: ComputerOptions): Endpoint {
  const http =
    options.transport === 'http' ||
    (options.transport === undefined && /^https?:/i.test(options.url ?? ''));
  if (options.url) {
    return http
      ? { transport: 'http', url: httpBaseUrl(options.url) }
      : { transport: 'websocket', url: webSocketUrl(options.url) };
  }
  const cloud = Boolean(options.containerName && options.apiKey);
  const host = options.host ?? (cloud ? cloudHost(options.containerName!) : DEFAULT_HOST);
  const secure = options.secure ?? cloud;
  const port = options.port ?? (cloud ? CLOUD_PORT : DEFAULT_PORT);
  const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return http
    ? { transport: 'http', url: `${secure ? 'https' : 'http'}://${hostPart}:${port}` }
    : { transport: 'websocket', url: `${secure ? 'wss' : 'ws'}://${hostPart}:${port}/ws` };
}

/** The URL a Computer with these options connects to. */
export function resolveUrl(options: ComputerOptions): string {
  return resolveEndpoint(options).url;
}

/** `http://h:p`, from `http://h:p/cmd`, `ws://h:p/ws` and the like (a path prefix is kept). */
export function httpBaseUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol === 'ws:') parsed.protocol = 'http:';
  if (parsed.protocol === 'wss:') parsed.protocol = 'https:';
  parsed.pathname = parsed.pathname.replace(/\/(ws|cmd)\/?$/, '');
  return parsed.toString().replace(/\/+$/, '');
}

/** A WebSocket URL as given; an `http(s)` one (transport `websocket`) gets `ws(s)` and `/ws`. */
function webSocketUrl(url: string): string {
  if (!/^https?:/i.test(url)) return url;
  const parsed = new URL(url);
  parsed.protocol = parsed.protocol === 'https:' ? 'wss:' : 'ws:';
  const path = parsed.pathname.replace(/\/(cmd)?\/?$/, '');
  parsed.pathname = `${path}/ws`;
  return parsed.toString();
}
