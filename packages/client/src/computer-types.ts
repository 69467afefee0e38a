// The public option and result types of `Computer`'s methods. Wire-level types come from the
// protocol (type-only imports: nothing of zod reaches the bundle).
import type {
  AccessibilityNode,
  AccessibleElement,
  CommandName,
  CommandParams,
  CommandResult,
  ImageFormat,
  MouseButtonName,
  ResolvedParams,
  SubscribeFramesParams,
} from '@cua/computer-protocol';
import type { ReconnectOptions } from './backoff.js';
import type { CallOptions } from './call-options.js';
import type { FetchLike } from './http-transport.js';
import type { ActionOptions, CaptureOptions } from './observation.js';
import type { StateChange } from './transport.js';
import type { WebSocketFactory } from './websocket-like.js';

export interface ComputerOptions {
  /**
   * Where the server is: `ws://127.0.0.1:8000/ws` for the WebSocket, or `http://127.0.0.1:8000`
   * for `POST /cmd` (an `http(s)` URL selects the HTTP transport). Wins over host/port.
   */
  url?: string;
  host?: string;
  port?: number;
  /** Use `wss://` / `https://`. */
  secure?: boolean;
  /** `websocket` (default; pipelined, reconnecting) or `http` (one `POST /cmd` per call). */
  transport?: 'websocket' | 'http';
  /** Default per-call timeout. */
  timeoutMs?: number;
  connectTimeoutMs?: number;
  /**
   * Reconnect after the server drops the connection, with capped exponential backoff (default:
   * 250 ms doubling to 10 s). `false`: stay disconnected until `connect()`.
   */
  reconnect?: boolean | ReconnectOptions;
  /** Told about every change of `state`, e.g. each reconnect attempt and its delay. */
  onStateChange?: (change: StateChange) => void;
  /** How to open a WebSocket; defaults to the platform's (`ws` in the Node entry). */
  createWebSocket?: WebSocketFactory;
  /** For the HTTP transport; defaults to the global `fetch`. */
  fetch?: FetchLike;
  /** Cloud container name; with `apiKey`, the client authenticates before anything else. */
  containerName?: string;
  /** Cloud API key. Never logged, never part of an error message. */
  apiKey?: string;
}

/** The params argument is optional exactly when every param of the command is. */
export type ParamsArgs<N extends CommandName> =
  Record<string, never> extends CommandParams<N>
    ? [params?: CommandParams<N>, options?: CallOptions]
    : [params: CommandParams<N>, options?: CallOptions];

export type MouseButton = MouseButtonName;
/** A native window handle (an X11 id on Linux); servers compare ids as strings. */
export type WindowId = CommandParams<'get_window_size'>['window_id'];
export type ScrollDirection = ResolvedParams<'scroll_direction'>['direction'];
export type { ImageFormat };

export interface Point {
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

export interface ScreenSize extends Size {
  /** Physical pixels per logical pixel, when the server reports it. */
  scaleFactor?: number;
}

export interface Bounds extends Point, Size {}

export interface Screenshot {
  /** The encoded image file (PNG, JPEG or WebP). */
  data: Uint8Array;
  format: ImageFormat;
  width?: number;
  height?: number;
  /** Image pixels per screen pixel, when the image was scaled. */
  scale?: number;
}

export interface RecordingOptions {
  /** A path on the server; a new file in its temporary folder by default. */
  path?: string;
  /** 1 to 30; 15 by default. */
  fps?: number;
  /** Output size relative to the screen, 0 < scale ≤ 1. */
  scale?: number;
  /** Draw the pointer into the frames (true by default). */
  withCursor?: boolean;
  /** Stops by itself after this long (1 h by default, 6 h at most). */
  maxDurationS?: number;
}

/** One frame of `subscribeFrames`. */
export interface LiveFrame {
  seq: number;
  format: ImageFormat;
  width: number;
  height: number;
  /** From the first change the frame shows to the frame being ready on the server. */
  latencyMs: number;
  data: Uint8Array;
}

export interface SubscribeFramesOptions {
  onFrame: (frame: LiveFrame) => void;
  /** Ends the stream. */
  signal?: AbortSignal;
  format?: SubscribeFramesParams['format'];
  quality?: number;
  maxWidth?: number;
  /** At most this many frames a second (30 by default). */
  fps?: number;
}

/** Region, scale and maximum size are our server's extensions. */
export interface ScreenshotOptions extends CallOptions, CaptureOptions {
  format?: ResolvedParams<'screenshot'>['format'];
}

export interface CommandOutput {
  stdout: string;
  stderr: string;
  /** The exit code; a non-zero code is not an error. Minus the signal number if killed. */
  returnCode: number;
  /** The server cut the output at its size cap. */
  truncated?: boolean;
}

/** A piece of a command's output, as `runCommand`'s `onOutput` receives it. */
export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  data: string;
}

export interface RunCommandOptions extends CallOptions {
  /** Server-side limit in seconds: the process is killed and the call fails with `timeout`. */
  timeout?: number;
  /**
   * Receives the output, in order, before the call resolves: over a WebSocket to a server that
   * announces `stream`, piece by piece while the command runs. Elsewhere (HTTP, upstream
   * servers) once per non-empty stream, stdout first, with the whole output after the reply, so
   * the same code works everywhere. Either way the pieces of a stream add up to its text in the
   * result, which still carries everything. A failed call may have streamed some output first
   * (its error's `reply` keeps what the server returned). A throw from here rejects the call.
   */
  onOutput?: (chunk: OutputChunk) => void;
}

export interface DragOptions extends ActionOptions {
  button?: MouseButton;
  /** Seconds the movement takes (upstream Linux servers ignore it). */
  duration?: number;
}

export interface ReadBytesOptions extends CallOptions {
  offset?: number;
  /** Bytes to read; default to the end of the file. */
  length?: number;
}

export interface WriteOptions extends CallOptions {
  /** Add to the end of the file instead of replacing it. */
  append?: boolean;
}

/** Upstream's `role`/`title`/`value`, plus our `name`, `states`, `limit` and scope options. */
export type FindElementQuery = CommandParams<'find_element'> & CallOptions;

/** Scope (`focused` window by default), depth, node and time caps, `json`/`text`/`both`. */
export type AccessibilityTreeOptions = CommandParams<'get_accessibility_tree'> & CallOptions;

/**
 * The tree reply as this project's server sends it: `tree` typed as nodes all the way down.
 * Upstream servers' trees differ (the wire check accepts them, the type describes ours).
 */
export type AccessibilityTree = Omit<CommandResult<'get_accessibility_tree'>, 'tree'> & {
  tree?: AccessibilityNode;
};

/** find_element's reply from this project's server; upstream servers differ per OS. */
export type FoundElements = Omit<CommandResult<'find_element'>, 'element' | 'elements'> & {
  element?: AccessibleElement;
  elements?: AccessibleElement[];
};

/** Trace options: where the trace folder goes, and whether to record the screen as video. */
export type TraceOptions = { path?: string; video?: boolean } & CallOptions;

// The input methods take positional arguments as upstream clients do, the options last. Each
// form is a tuple so that one signature types every call (`O` decides `Acted<O>`).

/** The options type of an input method called without options. */
export type NoOptions = Record<never, never>;

export type HotkeyArgs<O extends ActionOptions = ActionOptions> =
  | [keys: readonly string[], options?: O]
  | [key: string, ...keys: string[]]
  | [key: string, ...keys: string[], options: O];

/** At x, y when both are given, else where the pointer is. */
export type PointArgs<O> = [options?: O] | [x: number, y: number, options?: O];

/** A button (default left), at x, y when given. */
export type ButtonArgs<O> =
  | [options?: O]
  | [button: MouseButton, options?: O]
  | [x: number, y: number, button?: MouseButton, options?: O];

/** A number of wheel notches (default 1). */
export type ClicksArgs<O> = [options?: O] | [clicks: number, options?: O];
