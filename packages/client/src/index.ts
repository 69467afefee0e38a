// Browser-safe entry: no `ws`, no Node built-ins, no Node byte type (bytes are Uint8Array).
export { Computer } from './computer.js';
export { parseReply } from './reply-parsing.js';
export { resolveUrl, resolveEndpoint, cloudHost, type Endpoint } from './endpoint.js';
export { DEFAULT_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS } from './create-transport.js';
export type {
  ComputerOptions,
  ParamsArgs,
  MouseButton,
  WindowId,
  ScrollDirection,
  ImageFormat,
  Point,
  Size,
  ScreenSize,
  Bounds,
  Screenshot,
  ScreenshotOptions,
  RecordingOptions,
  LiveFrame,
  SubscribeFramesOptions,
  CommandOutput,
  OutputChunk,
  RunCommandOptions,
  DragOptions,
  ReadBytesOptions,
  WriteOptions,
  FindElementQuery,
  HotkeyArgs,
} from './computer-types.js';
export type { CallOptions } from './call-options.js';
export type {
  Acted,
  ActionOptions,
  BatchAction,
  BatchCommandName,
  BatchOptions,
  BatchReply,
  BatchResult,
  ObservableCommand,
  Observation,
  ObserveArg,
  Observed,
  ObserveOptions,
} from './observation.js';
export { COMMAND_METHODS, type CommandMethodName } from './command-methods.js';
export {
  PtyClient,
  type PtyInfo,
  type PtyEvent,
  type PtyCreateOptions,
  type PtyAttachOptions,
  type PtyClientOptions,
  type StreamingFetch,
} from './pty.js';
export { Connection, type ConnectionOptions } from './connection.js';
export {
  HttpTransport,
  parseEvent,
  type HttpTransportOptions,
  type FetchLike,
} from './http-transport.js';
export type {
  Transport,
  ConnectionState,
  StateChange,
  RawReply,
  RequestOptions,
} from './transport.js';
export {
  DEFAULT_RECONNECT,
  backoffDelayMs,
  resolveReconnect,
  type ReconnectOptions,
  type ResolvedReconnectOptions,
} from './backoff.js';
export { CHUNK_BYTES, CHUNK_THRESHOLD_BYTES } from './file-transfer.js';
export { encodeBase64, decodeBase64 } from './base64.js';
export { checkShape, type Shape, type ShapeCheck } from './shape.js';
export { RESULT_SHAPES } from './result-shapes.js';
export {
  CuaClientError,
  ComputerError,
  ConnectionError,
  TimeoutError,
  AuthenticationError,
  type ComputerErrorKind,
} from './errors.js';
export type { WebSocketFactory, WebSocketLike } from './websocket-like.js';
export type { CommandName, CommandParams, CommandResult } from '@cua/computer-protocol';
