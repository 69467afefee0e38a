// Browser-safe entry: no `ws`, no `node:*`, no `Buffer`.
export { Computer, parseReply, resolveUrl, cloudHost, DEFAULT_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT_MS } from './computer.js';
export type { ComputerOptions, CallOptions, ParamsArgs } from './computer.js';
export { Connection, type ConnectionOptions, type RawReply } from './connection.js';
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
