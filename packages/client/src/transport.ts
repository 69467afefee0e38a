import type { CallOptions } from './call-options.js';

/** A reply frame as it came off the wire, before it is checked against the protocol. */
export type RawReply = Record<string, unknown>;

/** Cloud credentials, sent before anything else (`/ws`) or as headers with every request. */
export interface Credentials {
  containerName: string;
  apiKey: string;
}

/** The headers that carry credentials over HTTP (`/cmd`, `/pty`), named as upstream names them. */
export function credentialHeaders(credentials: Credentials | undefined): Record<string, string> {
  if (!credentials) return {};
  return { 'x-container-name': credentials.containerName, 'x-api-key': credentials.apiKey };
}

/** What a successful `version` reply announces in `features` (upstream servers: nothing). */
export function announcedFeatures(version: RawReply): string[] {
  return Array.isArray(version.features) ? version.features.map(String) : [];
}

export interface RequestOptions extends CallOptions {
  /**
   * Asks for the server's `stream` extension. Where the transport can carry it (a WebSocket
   * with request ids to a server that announces `stream`), the call goes out with
   * `params.stream: true` and each interim frame of the call (tagged with its id, no `success`)
   * is passed here before the reply settles the call. Elsewhere it is never called, and the
   * reply alone carries everything. A throw from it rejects the call.
   */
  onEvent?: ((event: RawReply) => void) | undefined;
  /**
   * Asks for the `binary-images` extension: where the transport can carry it (a WebSocket with
   * request ids to a server that announces it), image bytes come raw, and the reply holds them
   * under `BINARY_FIELDS` (its `image_data` is then empty). Elsewhere the reply is as usual.
   */
  binary?: boolean | undefined;
  /**
   * The command sends interim events by itself (`subscribe_frames`): `onEvent` gets them
   * without the `stream` param being added. Needs request ids (a WebSocket to our server).
   */
  nativeEvents?: boolean | undefined;
}

/** Where a reply keeps the fields whose bytes came raw (see `RequestOptions.binary`). */
export const BINARY_FIELDS: unique symbol = Symbol('binary fields');

/** The raw bytes of `field` in a reply, when they came in a binary frame. */
export function binaryField(reply: RawReply, field: 'image_data'): Uint8Array | undefined {
  const fields = (reply as { [BINARY_FIELDS]?: Map<string, Uint8Array> })[BINARY_FIELDS];
  return fields?.get(field);
}

/**
 * `idle`: not connected; the next call connects. `connecting`: a first attempt is under way.
 * `open`: calls go out at once. `reconnecting`: the connection dropped and the client is
 * trying again with backoff; calls wait for it. `closed`: `close()` was called.
 */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface StateChange {
  state: ConnectionState;
  /** For `reconnecting`: which attempt comes next (1 after a drop), and after what wait. */
  attempt?: number;
  delayMs?: number;
  /** Why the connection dropped or the last attempt failed. */
  error?: Error;
}

/** How calls reach the server: a WebSocket (`Connection`) or `POST /cmd` (`HttpTransport`). */
export interface Transport {
  readonly state: ConnectionState;
  /** What the server announced in `version.features`; empty until known, and for upstream. */
  readonly features: readonly string[];
  connect(): Promise<void>;
  /** Sends one command and resolves with its reply frame, whether `success` is true or not. */
  request(command: string, params: object | undefined, options?: RequestOptions): Promise<RawReply>;
  /** Fails every pending call with a ConnectionError; resolves once the transport is shut. */
  close(): Promise<void>;
}
