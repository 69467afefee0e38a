import type {
  AccessibilityNode,
  AccessibleElement,
  CommandName,
  CommandParams,
  CommandResult,
  ResolvedParams,
  VersionResult,
} from '@cua/computer-protocol';
import { resolveReconnect, type ReconnectOptions } from './backoff.js';
import { isOptionsObject, splitCallOptions, type CallOptions } from './call-options.js';
import { Connection } from './connection.js';
import { ComputerError, ConnectionError } from './errors.js';
import { decodeReplyBytes, readFileBytes, writeFileBytes } from './file-transfer.js';
import { hotkeyKeys } from './hotkey.js';
import { HttpTransport, type FetchLike } from './http-transport.js';
import {
  actedResult,
  observeParam,
  toObservation,
  type Acted,
  type ActionOptions,
  type BatchAction,
  type BatchOptions,
  type BatchResult,
  type ObservableCommand,
  type Observation,
  type Observed,
  type ObserveOptions,
} from './observation.js';
import { PtyClient } from './pty.js';
import { RESULT_SHAPES } from './result-shapes.js';
import { checkShape } from './shape.js';
import {
  binaryField,
  type ConnectionState,
  type RawReply,
  type StateChange,
  type Transport,
} from './transport.js';
import type { WebSocketFactory } from './websocket-like.js';

export type { CallOptions };

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

export type MouseButton = ResolvedParams<'mouse_down'>['button'];
/** A native window handle (an X11 id on Linux); servers compare ids as strings. */
export type WindowId = CommandParams<'get_window_size'>['window_id'];
export type ScrollDirection = ResolvedParams<'scroll_direction'>['direction'];
export type ImageFormat = CommandResult<'screenshot'>['format'];

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
  format?: 'jpeg' | 'png' | 'webp';
  quality?: number;
  maxWidth?: number;
  /** At most this many frames a second (30 by default). */
  fps?: number;
}

export interface ScreenshotOptions extends CallOptions {
  format?: ResolvedParams<'screenshot'>['format'];
  /** JPEG/WebP quality, 1..95. */
  quality?: number;
  /** Capture only this part of the screen (our server's extension). */
  region?: CommandParams<'screenshot'>['region'];
  /** Shrink by this factor, 0 < scale ≤ 1 (our server's extension). */
  scale?: number;
  /** Shrink to fit (our server's extension). */
  maxWidth?: number;
  maxHeight?: number;
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

export type HotkeyArgs<O extends ActionOptions = ActionOptions> =
  | [keys: readonly string[], options?: O]
  | [key: string, ...keys: string[]]
  | [key: string, ...keys: string[], options: O];

/** The options type of an input method called without options. */
type NoOptions = Record<never, never>;

export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/** A run_command with a server-side timeout: the client waits that long plus this. */
const RUN_COMMAND_GRACE_MS = 5_000;

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
  const host = options.host ?? (cloud ? cloudHost(options.containerName!) : '127.0.0.1');
  const secure = options.secure ?? cloud;
  const port = options.port ?? (cloud ? 8443 : 8000);
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
function httpBaseUrl(url: string): string {
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

function defaultWebSocketFactory(): WebSocketFactory {
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

function defaultFetch(): FetchLike {
  const fetchFn = (globalThis as { fetch?: FetchLike }).fetch;
  if (!fetchFn) {
    return () => Promise.reject(new ConnectionError('No fetch implementation: pass options.fetch'));
  }
  return (url, init) => fetchFn(url, init);
}

/**
 * A remote computer: one method per command of the protocol registry, plus `call()` for any
 * command by its wire name. Every method takes `{ timeoutMs, signal }` as its last argument.
 * Failures reject with a `ComputerError` carrying the server's `code`; a dropped connection
 * with a `ConnectionError`; no reply in time with a `TimeoutError`.
 */
export class Computer {
  readonly url: string;
  readonly transportKind: 'websocket' | 'http';
  private readonly transport: Transport;
  private readonly defaultTimeoutMs: number;
  /** Terminals on the server (`/pty`): same base URL and credentials, over HTTP. */
  readonly pty: PtyClient;

  constructor(options: ComputerOptions = {}) {
    const endpoint = resolveEndpoint(options);
    this.url = endpoint.url;
    this.transportKind = endpoint.transport;
    this.defaultTimeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const credentials =
      options.containerName && options.apiKey
        ? { containerName: options.containerName, apiKey: options.apiKey }
        : undefined;
    this.transport =
      endpoint.transport === 'http'
        ? new HttpTransport({
            baseUrl: endpoint.url,
            fetch: options.fetch ?? defaultFetch(),
            timeoutMs: this.defaultTimeoutMs,
            credentials,
          })
        : new Connection({
            url: endpoint.url,
            createWebSocket: options.createWebSocket ?? defaultWebSocketFactory(),
            timeoutMs: this.defaultTimeoutMs,
            connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
            credentials,
            reconnect: resolveReconnect(options.reconnect),
            onStateChange: options.onStateChange,
          });
    this.pty = new PtyClient({
      baseUrl: endpoint.transport === 'http' ? endpoint.url : httpBaseUrl(endpoint.url),
      credentials,
    });
  }

  /** Connects now (calls also connect on first use). */
  async connect(): Promise<void> {
    await this.transport.connect();
  }

  /** Capabilities the server announced in `version.features` (empty for upstream servers). */
  get features(): readonly string[] {
    return this.transport.features;
  }

  get state(): ConnectionState {
    return this.transport.state;
  }

  get connected(): boolean {
    return this.transport.state === 'open';
  }

  /**
   * Closes the connection and stops reconnecting; calls still waiting reject with a
   * ConnectionError. Resolves once the socket has closed (or after at most a second).
   */
  async close(): Promise<void> {
    await this.transport.close();
  }

  /**
   * Calls any command by its wire name, with params and result typed from the protocol registry.
   * Rejects with a ComputerError carrying the server's `code` when the command fails.
   */
  async call<N extends CommandName>(name: N, ...args: ParamsArgs<N>): Promise<CommandResult<N>> {
    const [params, options] = args;
    return this.invoke(name, params, options);
  }

  private async invoke<N extends CommandName>(
    name: N,
    params: CommandParams<N> | undefined,
    options: CallOptions | undefined,
  ): Promise<CommandResult<N>> {
    const reply = await this.transport.request(name, params, options);
    return parseReply(name, reply);
  }

  // ── meta ───────────────────────────────────────────────────────────────────────────────────

  /** Protocol generation, server package version and (on our server) its `features`. */
  version(options?: CallOptions): Promise<VersionResult> {
    return this.invoke('version', {}, options);
  }

  // ── shell ──────────────────────────────────────────────────────────────────────────────────

  /**
   * Runs a command through the server's shell and returns its output; a non-zero exit code is
   * not an error. With `timeout` (seconds) the server kills it and the call fails with code
   * `timeout`, the error's `reply` keeping `stdout`, `stderr` and `return_code`.
   */
  async runCommand(command: string, options?: RunCommandOptions): Promise<CommandOutput> {
    const [{ timeout, onOutput }, call] = splitCallOptions(options);
    if (timeout !== undefined && call.timeoutMs === undefined) {
      call.timeoutMs = Math.max(this.defaultTimeoutMs, timeout * 1000 + RUN_COMMAND_GRACE_MS);
    }
    const params = timeout === undefined ? { command } : { command, timeout };
    let streamed = false;
    const onEvent =
      onOutput &&
      ((event: RawReply) => {
        const chunk = outputChunk(event);
        if (!chunk) return;
        streamed = true;
        onOutput(chunk);
      });
    const reply = await this.transport.request('run_command', params, { ...call, onEvent });
    // No event means no streaming (or no output at all): hand over what the reply carries.
    if (onOutput && !streamed && reply.success === true) {
      for (const stream of ['stdout', 'stderr'] as const) {
        const data = reply[stream];
        if (typeof data === 'string' && data !== '') onOutput({ stream, data });
      }
    }
    const result = parseReply('run_command', reply);
    const output: CommandOutput = {
      stdout: result.stdout,
      stderr: result.stderr,
      returnCode: result.return_code,
    };
    if (result.truncated !== undefined) output.truncated = result.truncated;
    return output;
  }

  // ── files ──────────────────────────────────────────────────────────────────────────────────

  /** Whether a regular file exists at the path (false for a directory). */
  async fileExists(path: string, options?: CallOptions): Promise<boolean> {
    return (await this.invoke('file_exists', { path }, options)).exists;
  }

  /** Whether a directory exists at the path. */
  async directoryExists(path: string, options?: CallOptions): Promise<boolean> {
    return (await this.invoke('directory_exists', { path }, options)).exists;
  }

  /** Names of the entries of a directory, in no particular order. */
  async listDir(path: string, options?: CallOptions): Promise<string[]> {
    return (await this.invoke('list_dir', { path }, options)).files;
  }

  /**
   * A text file, decoded as UTF-8. Like upstream clients, this reads bytes (`read_bytes`, in
   * chunks above 5 MiB), so the text is exact: no newline conversion, a BOM is kept.
   */
  async readText(path: string, options?: CallOptions): Promise<string> {
    const bytes = await this.readBytes(path, options);
    return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  }

  /** Writes text as UTF-8 through `write_bytes` (chunked above 5 MiB), like upstream clients. */
  async writeText(path: string, text: string, options?: WriteOptions): Promise<void> {
    await this.writeBytes(path, new TextEncoder().encode(text), options);
  }

  /**
   * Bytes of a file from `offset`, `length` of them or to the end. The size is asked first;
   * files above 5 MiB are read in 1 MiB chunks, `timeoutMs` bounding the whole read.
   */
  async readBytes(path: string, options?: ReadBytesOptions): Promise<Uint8Array> {
    const [{ offset = 0, length }, call] = splitCallOptions(options);
    return readFileBytes(
      (name, params, stepOptions) => this.invoke(name, params, stepOptions),
      path,
      offset,
      length,
      call,
    );
  }

  /**
   * Writes bytes to a file (replacing it, or appending). Data above 5 MiB goes in 1 MiB chunks,
   * the later ones appended: not atomic then, a failure part-way leaves a partial file.
   */
  async writeBytes(path: string, data: Uint8Array, options?: WriteOptions): Promise<void> {
    const [{ append = false }, call] = splitCallOptions(options);
    await writeFileBytes(
      (name, params, stepOptions) => this.invoke(name, params, stepOptions),
      path,
      data,
      append,
      call,
    );
  }

  /** Size of a file in bytes (on a directory, what stat says). */
  async getFileSize(path: string, options?: CallOptions): Promise<number> {
    return (await this.invoke('get_file_size', { path }, options)).size;
  }

  /** Deletes a file (not a directory). */
  async deleteFile(path: string, options?: CallOptions): Promise<void> {
    await this.invoke('delete_file', { path }, options);
  }

  /** Creates a directory and any missing parents; an existing one is fine. */
  async createDir(path: string, options?: CallOptions): Promise<void> {
    await this.invoke('create_dir', { path }, options);
  }

  /** Deletes an empty directory. */
  async deleteDir(path: string, options?: CallOptions): Promise<void> {
    await this.invoke('delete_dir', { path }, options);
  }

  // ── desktop ────────────────────────────────────────────────────────────────────────────────

  /** The desktop environment's name (`gnome`, `xfce4`, `windows`, `mac`, `unknown`, …). */
  async getDesktopEnvironment(options?: CallOptions): Promise<string> {
    return (await this.invoke('get_desktop_environment', {}, options)).environment;
  }

  /** Sets the wallpaper to an image file on the server's machine. */
  async setWallpaper(path: string, options?: CallOptions): Promise<void> {
    await this.invoke('set_wallpaper', { path }, options);
  }

  // ── windows ────────────────────────────────────────────────────────────────────────────────

  /** Opens a URL in the default browser, or a file with its default application. */
  async open(target: string, options?: CallOptions): Promise<void> {
    await this.invoke('open', { target }, options);
  }

  /**
   * Starts an application without waiting for it and returns its pid. Without `args`, `app`
   * runs through the shell (so it may hold arguments); with `args`, it is executed directly.
   */
  launch(app: string, options?: CallOptions): Promise<number>;
  launch(app: string, args: readonly string[] | undefined, options?: CallOptions): Promise<number>;
  async launch(
    app: string,
    argsOrOptions?: readonly string[] | CallOptions,
    options?: CallOptions,
  ): Promise<number> {
    const args = Array.isArray(argsOrOptions)
      ? [...(argsOrOptions as readonly string[])]
      : undefined;
    const call = isOptionsObject(argsOrOptions) ? argsOrOptions : options;
    const params = args === undefined ? { app } : { app, args };
    return (await this.invoke('launch', params, call)).pid;
  }

  /** The id of the active window. */
  async getCurrentWindowId(options?: CallOptions): Promise<WindowId> {
    return (await this.invoke('get_current_window_id', {}, options)).window_id;
  }

  /** Ids of the windows whose title contains `app` (case-insensitive), as upstream matches. */
  async getApplicationWindows(app: string, options?: CallOptions): Promise<WindowId[]> {
    return (await this.invoke('get_application_windows', { app }, options)).windows;
  }

  /** The title of a window. */
  async getWindowName(windowId: WindowId, options?: CallOptions): Promise<string> {
    return (await this.invoke('get_window_name', { window_id: windowId }, options)).name;
  }

  /** Width and height of a window. */
  async getWindowSize(windowId: WindowId, options?: CallOptions): Promise<Size> {
    const { width, height } = await this.invoke(
      'get_window_size',
      { window_id: windowId },
      options,
    );
    return { width, height };
  }

  /** Top-left corner of a window on the screen. */
  async getWindowPosition(windowId: WindowId, options?: CallOptions): Promise<Point> {
    const { x, y } = await this.invoke('get_window_position', { window_id: windowId }, options);
    return { x, y };
  }

  /** Resizes a window. */
  async setWindowSize(
    windowId: WindowId,
    width: number,
    height: number,
    options?: CallOptions,
  ): Promise<void> {
    await this.invoke('set_window_size', { window_id: windowId, width, height }, options);
  }

  /** Moves a window's top-left corner to x, y. */
  async setWindowPosition(
    windowId: WindowId,
    x: number,
    y: number,
    options?: CallOptions,
  ): Promise<void> {
    await this.invoke('set_window_position', { window_id: windowId, x, y }, options);
  }

  /** Maximizes a window. */
  async maximizeWindow(windowId: WindowId, options?: CallOptions): Promise<void> {
    await this.invoke('maximize_window', { window_id: windowId }, options);
  }

  /** Minimizes (iconifies) a window. */
  async minimizeWindow(windowId: WindowId, options?: CallOptions): Promise<void> {
    await this.invoke('minimize_window', { window_id: windowId }, options);
  }

  /** Raises and focuses a window. */
  async activateWindow(windowId: WindowId, options?: CallOptions): Promise<void> {
    await this.invoke('activate_window', { window_id: windowId }, options);
  }

  /** Asks a window to close (the application may refuse, e.g. to ask about unsaved work). */
  async closeWindow(windowId: WindowId, options?: CallOptions): Promise<void> {
    await this.invoke('close_window', { window_id: windowId }, options);
  }

  /** Position and size of the active window (upstream's client asks; its server lacks it). */
  async getActiveWindowBounds(options?: CallOptions): Promise<Bounds> {
    const { bounds } = await this.invoke('get_active_window_bounds', {}, options);
    return { x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height };
  }

  // ── mouse ──────────────────────────────────────────────────────────────────────────────────
  // Every input method takes `observe` in its options: then it resolves with `{ observation }`,
  // the screenshot taken once the screen has settled after the action (see `observe()`).

  /** Presses a mouse button (default left), at x, y when given, else where the pointer is. */
  mouseDown<const O extends ActionOptions = NoOptions>(options?: O): Promise<Acted<O>>;
  mouseDown<const O extends ActionOptions = NoOptions>(
    button: MouseButton,
    options?: O,
  ): Promise<Acted<O>>;
  mouseDown<const O extends ActionOptions = NoOptions>(
    x: number,
    y: number,
    button?: MouseButton,
    options?: O,
  ): Promise<Acted<O>>;
  async mouseDown(
    a?: number | MouseButton | ActionOptions,
    b?: number | ActionOptions,
    c?: MouseButton,
    d?: ActionOptions,
  ): Promise<unknown> {
    return this.buttonAction('mouse_down', a, b, c, d);
  }

  /** Releases a mouse button (default left), at x, y when given, else where the pointer is. */
  mouseUp<const O extends ActionOptions = NoOptions>(options?: O): Promise<Acted<O>>;
  mouseUp<const O extends ActionOptions = NoOptions>(
    button: MouseButton,
    options?: O,
  ): Promise<Acted<O>>;
  mouseUp<const O extends ActionOptions = NoOptions>(
    x: number,
    y: number,
    button?: MouseButton,
    options?: O,
  ): Promise<Acted<O>>;
  async mouseUp(
    a?: number | MouseButton | ActionOptions,
    b?: number | ActionOptions,
    c?: MouseButton,
    d?: ActionOptions,
  ): Promise<unknown> {
    return this.buttonAction('mouse_up', a, b, c, d);
  }

  /** Left click, at x, y when given, else where the pointer is. */
  leftClick<const O extends ActionOptions = NoOptions>(options?: O): Promise<Acted<O>>;
  leftClick<const O extends ActionOptions = NoOptions>(
    x: number,
    y: number,
    options?: O,
  ): Promise<Acted<O>>;
  async leftClick(
    x?: number | ActionOptions,
    y?: number,
    options?: ActionOptions,
  ): Promise<unknown> {
    return this.click('left_click', x, y, options);
  }

  /** Right click, at x, y when given, else where the pointer is. */
  rightClick<const O extends ActionOptions = NoOptions>(options?: O): Promise<Acted<O>>;
  rightClick<const O extends ActionOptions = NoOptions>(
    x: number,
    y: number,
    options?: O,
  ): Promise<Acted<O>>;
  async rightClick(
    x?: number | ActionOptions,
    y?: number,
    options?: ActionOptions,
  ): Promise<unknown> {
    return this.click('right_click', x, y, options);
  }

  /** Double left click, at x, y when given, else where the pointer is. */
  doubleClick<const O extends ActionOptions = NoOptions>(options?: O): Promise<Acted<O>>;
  doubleClick<const O extends ActionOptions = NoOptions>(
    x: number,
    y: number,
    options?: O,
  ): Promise<Acted<O>>;
  async doubleClick(
    x?: number | ActionOptions,
    y?: number,
    options?: ActionOptions,
  ): Promise<unknown> {
    return this.click('double_click', x, y, options);
  }

  /** Middle click, at x, y when given (our server's extension: upstream never registered it). */
  middleClick<const O extends ActionOptions = NoOptions>(options?: O): Promise<Acted<O>>;
  middleClick<const O extends ActionOptions = NoOptions>(
    x: number,
    y: number,
    options?: O,
  ): Promise<Acted<O>>;
  async middleClick(
    x?: number | ActionOptions,
    y?: number,
    options?: ActionOptions,
  ): Promise<unknown> {
    return this.click('middle_click', x, y, options);
  }

  /** Moves the pointer to x, y (fractional coordinates land on the nearest pixel). */
  moveCursor<const O extends ActionOptions = NoOptions>(
    x: number,
    y: number,
    options?: O,
  ): Promise<Acted<O>> {
    return this.act<O>('move_cursor', { x, y }, options);
  }

  /**
   * Presses at the pointer, moves to x, y and releases. `duration` in seconds (default 0.5);
   * upstream Linux servers ignore it and jump.
   */
  dragTo<const O extends DragOptions = NoOptions>(
    x: number,
    y: number,
    options?: O,
  ): Promise<Acted<O>> {
    const { button, duration } = options ?? {};
    return this.act<O>('drag_to', { x, y, button, duration }, options);
  }

  /** Presses at the first point, follows the path (`[x, y]` pairs or `{x, y}`), releases. */
  drag<const O extends DragOptions = NoOptions>(
    path: ReadonlyArray<readonly [number, number] | Point>,
    options?: O,
  ): Promise<Acted<O>> {
    const { button, duration } = options ?? {};
    const points = path.map((p): [number, number] => ('x' in p ? [p.x, p.y] : [p[0], p[1]]));
    return this.act<O>('drag', { path: points, button, duration }, options);
  }

  // ── keyboard ───────────────────────────────────────────────────────────────────────────────

  /** Presses and holds a key (`shift`, `ctrl`, `a`, …) until `keyUp`. */
  keyDown<const O extends ActionOptions = NoOptions>(key: string, options?: O): Promise<Acted<O>> {
    return this.act<O>('key_down', { key }, options);
  }

  /** Releases a key held with `keyDown`. */
  keyUp<const O extends ActionOptions = NoOptions>(key: string, options?: O): Promise<Acted<O>> {
    return this.act<O>('key_up', { key }, options);
  }

  /** Types the exact text (any Unicode; `\n` is Enter), whatever the keyboard layout. */
  typeText<const O extends ActionOptions = NoOptions>(
    text: string,
    options?: O,
  ): Promise<Acted<O>> {
    return this.act<O>('type_text', { text }, options);
  }

  /** Presses and releases one key: a name (`enter`, `page_down`, `f5`, …) or a single character. */
  pressKey<const O extends ActionOptions = NoOptions>(key: string, options?: O): Promise<Acted<O>> {
    return this.act<O>('press_key', { key }, options);
  }

  /**
   * Presses keys together: `hotkey('ctrl', 'c')`, `hotkey('ctrl+c')` or `hotkey(['ctrl', 'c'])`.
   * A combo string is split here, since upstream servers would type it character by character.
   */
  hotkey<const O extends ActionOptions = NoOptions>(
    keys: readonly string[],
    options?: O,
  ): Promise<Acted<O>>;
  hotkey<const O extends ActionOptions = NoOptions>(
    ...args: [key: string, ...keys: string[], options: O]
  ): Promise<Acted<O>>;
  hotkey(key: string, ...keys: string[]): Promise<void>;
  hotkey(...args: HotkeyArgs): Promise<unknown> {
    const parts = [...args] as (string | readonly string[] | ActionOptions | undefined)[];
    const last = parts[parts.length - 1];
    const options = isOptionsObject(last) ? (parts.pop() as ActionOptions) : undefined;
    if (last === undefined && parts.length > 0) parts.pop();
    const keys = hotkeyKeys(parts as (string | readonly string[])[]);
    return this.act('hotkey', { keys }, options);
  }

  // ── scrolling ──────────────────────────────────────────────────────────────────────────────

  /**
   * Scrolls by wheel notches at the pointer: `x`, `y` are amounts, not a position (y > 0 up,
   * y < 0 down, x > 0 right). Move the pointer first to scroll somewhere else.
   */
  scroll<const O extends ActionOptions = NoOptions>(
    x: number,
    y: number,
    options?: O,
  ): Promise<Acted<O>> {
    return this.act<O>('scroll', { x, y }, options);
  }

  /** Scrolls down by `clicks` notches (default 1) at the pointer. */
  scrollDown<const O extends ActionOptions = NoOptions>(options?: O): Promise<Acted<O>>;
  scrollDown<const O extends ActionOptions = NoOptions>(
    clicks: number,
    options?: O,
  ): Promise<Acted<O>>;
  async scrollDown(clicks?: number | ActionOptions, options?: ActionOptions): Promise<unknown> {
    return this.scrollBy('scroll_down', clicks, options);
  }

  /** Scrolls up by `clicks` notches (default 1) at the pointer. */
  scrollUp<const O extends ActionOptions = NoOptions>(options?: O): Promise<Acted<O>>;
  scrollUp<const O extends ActionOptions = NoOptions>(
    clicks: number,
    options?: O,
  ): Promise<Acted<O>>;
  async scrollUp(clicks?: number | ActionOptions, options?: ActionOptions): Promise<unknown> {
    return this.scrollBy('scroll_up', clicks, options);
  }

  /**
   * Scrolls `clicks` notches (default 1) up, down, left or right. Upstream servers scroll 300
   * notches per click sideways.
   */
  scrollDirection<const O extends ActionOptions = NoOptions>(
    direction: ScrollDirection,
    options?: O,
  ): Promise<Acted<O>>;
  scrollDirection<const O extends ActionOptions = NoOptions>(
    direction: ScrollDirection,
    clicks: number,
    options?: O,
  ): Promise<Acted<O>>;
  async scrollDirection(
    direction: ScrollDirection,
    clicks?: number | ActionOptions,
    options?: ActionOptions,
  ): Promise<unknown> {
    if (isOptionsObject(clicks)) return this.act('scroll_direction', { direction }, clicks);
    return this.act('scroll_direction', { direction, clicks }, options);
  }

  // ── act, then observe ──────────────────────────────────────────────────────────────────────

  /**
   * Waits until the screen has not changed for `quietMs` (at most `timeoutMs`), then takes the
   * screenshot (after `launch`, `open` or a slow page). Needs a server with `observe` in
   * `features`.
   */
  async observe(options?: ObserveOptions, callOptions?: CallOptions): Promise<Observation> {
    const params = observeParam(options ?? {}) as CommandParams<'observe'>;
    return toObservation('observe', await this.invoke('observe', params, callOptions));
  }

  /**
   * Runs input actions in order as one unit: no other connection's input lands between them.
   * With `observe`, resolves with the settled screenshot after the last. A failed action ends
   * the batch (unless `stopOnError: false`) and the call rejects with a ComputerError whose
   * `reply.results` holds one reply per action that ran. Needs `batch` in `features`.
   */
  async batch<const O extends BatchOptions = NoOptions>(
    actions: readonly BatchAction[],
    options?: O,
  ): Promise<BatchResult<O>> {
    const [{ observe, stopOnError }, call] = splitCallOptions<BatchOptions>(options);
    const params: CommandParams<'batch'> = {
      actions: actions.map((action) => ({ ...action })),
      stop_on_error: stopOnError,
    };
    const wire = observeParam(observe);
    if (wire !== undefined) params.observe = wire;
    const result = await this.invoke('batch', params, call);
    const acted = actedResult<O>('batch', result) as Observed | undefined;
    return { results: result.results, ...acted } as BatchResult<O>;
  }

  // ── screen ─────────────────────────────────────────────────────────────────────────────────

  /** Captures the screen: the encoded image bytes (PNG by default), with format and size. */
  async screenshot(options?: ScreenshotOptions): Promise<Screenshot> {
    const [{ format, quality, region, scale, maxWidth, maxHeight }, call] =
      splitCallOptions(options);
    const params = { format, quality, region, scale, max_width: maxWidth, max_height: maxHeight };
    const reply = await this.transport.request('screenshot', params, { ...call, binary: true });
    const result = parseReply('screenshot', reply);
    const shot: Screenshot = {
      data: binaryField(reply, 'image_data') ?? decodeReplyBytes('screenshot', result.image_data),
      format: result.format,
    };
    if (result.width !== undefined) shot.width = result.width;
    if (result.height !== undefined) shot.height = result.height;
    if (result.scale !== undefined) shot.scale = result.scale;
    return shot;
  }

  /** Where the pointer is, in screen pixels. */
  async getCursorPosition(options?: CallOptions): Promise<Point> {
    const { position } = await this.invoke('get_cursor_position', {}, options);
    return { x: position.x, y: position.y };
  }

  /** The screen size in pixels (and the scale factor, when the server reports one). */
  async getScreenSize(options?: CallOptions): Promise<ScreenSize> {
    const result = await this.invoke('get_screen_size', {}, options);
    const size: ScreenSize = { width: result.size.width, height: result.size.height };
    if (result.scale_factor !== undefined) size.scaleFactor = result.scale_factor;
    return size;
  }

  /**
   * Converts screenshot pixel coordinates to screen coordinates, by the given `scale` or the
   * last screenshot's. Upstream servers do not implement it (their TS client calls it anyway).
   */
  async toScreenCoordinates(
    x: number,
    y: number,
    options?: CallOptions & { scale?: number },
  ): Promise<[number, number]> {
    const [{ scale }, call] = splitCallOptions(options);
    const { coordinates } = await this.invoke('to_screen_coordinates', { x, y, scale }, call);
    return [coordinates[0], coordinates[1]];
  }

  /** Converts screen coordinates to screenshot pixel coordinates (the inverse of the above). */
  async toScreenshotCoordinates(
    x: number,
    y: number,
    options?: CallOptions & { scale?: number },
  ): Promise<[number, number]> {
    const [{ scale }, call] = splitCallOptions(options);
    const { coordinates } = await this.invoke('to_screenshot_coordinates', { x, y, scale }, call);
    return [coordinates[0], coordinates[1]];
  }

  // ── clipboard ──────────────────────────────────────────────────────────────────────────────

  /**
   * READS the clipboard text. The upstream name is misleading (it copies nothing); prefer
   * `getClipboard()`. An empty clipboard gives `''` (upstream clients throw instead).
   */
  async copyToClipboard(options?: CallOptions): Promise<string> {
    return (await this.invoke('copy_to_clipboard', {}, options)).content;
  }

  /** The clipboard text (wire command `copy_to_clipboard`). */
  getClipboard(options?: CallOptions): Promise<string> {
    return this.copyToClipboard(options);
  }

  /** Puts text on the clipboard. */
  async setClipboard(text: string, options?: CallOptions): Promise<void> {
    await this.invoke('set_clipboard', { text }, options);
  }

  // ── accessibility and platform specifics ───────────────────────────────────────────────────

  /**
   * The accessibility tree (AT-SPI on Linux) of the focused window by default: per element an
   * `id` to act on, `role`, `name`, `states`, `value` and screen `bounds`; `text` is the same
   * tree as indented lines for a model to read. Other servers' shapes differ (see upstream).
   */
  async getAccessibilityTree(options?: AccessibilityTreeOptions): Promise<AccessibilityTree> {
    const [params, call] = splitCallOptions(options);
    return (await this.invoke('get_accessibility_tree', params, call)) as AccessibilityTree;
  }

  /**
   * The element that best matches role (`button` matches AT-SPI's `push button`), title, value,
   * name (substring or `/regex/`) and states; `elements` holds up to `limit` matches. Rejects
   * with code `not_found` when nothing matches.
   */
  async findElement(query: FindElementQuery, options?: CallOptions): Promise<FoundElements> {
    const [params, call] = splitCallOptions(query);
    return (await this.invoke('find_element', params, { ...call, ...options })) as FoundElements;
  }

  /** One element by id, read afresh, with its actions and text. */
  getElement(id: string, options?: CallOptions): Promise<CommandResult<'get_element'>> {
    return this.invoke('get_element', { id }, options);
  }

  /** Presses an element: its default action, else a real click at the centre of its bounds. */
  clickElement(id: string, options?: CallOptions): Promise<CommandResult<'click_element'>> {
    return this.invoke('click_element', { id }, options);
  }

  /** Gives an element the keyboard focus. */
  async focusElement(id: string, options?: CallOptions): Promise<void> {
    await this.invoke('focus_element', { id }, options);
  }

  /** Replaces a field's text (or sets a slider's number); resolves with the value read back. */
  async setElementValue(
    id: string,
    value: string | number,
    options?: CallOptions,
  ): Promise<string | number> {
    return (await this.invoke('set_element_value', { id, value }, options)).value;
  }

  /**
   * macOS-only upstream automation scoped to some apps (`arguments.app_list`); returns the
   * action's `result`. Other servers answer `unsupported`.
   */
  async dioramaCmd(
    action: string,
    args?: Record<string, unknown>,
    options?: CallOptions,
  ): Promise<unknown> {
    const params = args === undefined ? { action } : { action, arguments: args };
    return (await this.invoke('diorama_cmd', params, options)).result;
  }

  // ── helpers ────────────────────────────────────────────────────────────────────────────────

  /** Runs an input command, with `observe` from the options when given. */
  private async act<O>(
    name: ObservableCommand,
    params: Record<string, unknown>,
    options: ActionOptions | undefined,
  ): Promise<Acted<O>> {
    const [{ observe }, call] = splitCallOptions<ActionOptions>(options);
    const wire = observeParam(observe);
    const withObserve = wire === undefined ? params : { ...params, observe: wire };
    const result = await this.invoke(name, withObserve as CommandParams<typeof name>, call);
    return actedResult<O>(name, result);
  }

  private click(
    name: 'left_click' | 'right_click' | 'double_click' | 'middle_click',
    x: number | ActionOptions | undefined,
    y: number | undefined,
    options: ActionOptions | undefined,
  ): Promise<unknown> {
    if (isOptionsObject(x)) return this.act(name, {}, x);
    return this.act(name, { x, y }, options);
  }

  private buttonAction(
    name: 'mouse_down' | 'mouse_up',
    a: number | MouseButton | ActionOptions | undefined,
    b: number | ActionOptions | undefined,
    c: MouseButton | undefined,
    d: ActionOptions | undefined,
  ): Promise<unknown> {
    if (typeof a === 'number') return this.act(name, { x: a, y: b as number, button: c }, d);
    if (typeof a === 'string') return this.act(name, { button: a }, b as ActionOptions | undefined);
    return this.act(name, {}, a);
  }

  private scrollBy(
    name: 'scroll_down' | 'scroll_up',
    clicks: number | ActionOptions | undefined,
    options: ActionOptions | undefined,
  ): Promise<unknown> {
    if (isOptionsObject(clicks)) return this.act(name, {}, clicks);
    return this.act(name, { clicks }, options);
  }

  // ── observability ──────────────────────────────────────────────────────────────────────────

  /** Starts an MP4 recording of the screen on the server (one at a time); where it goes. */
  startRecording(
    options?: RecordingOptions & CallOptions,
  ): Promise<CommandResult<'start_recording'>> {
    const [{ path, fps, scale, withCursor, maxDurationS }, call] = splitCallOptions(options);
    const params = { path, fps, scale, with_cursor: withCursor, max_duration_s: maxDurationS };
    return this.invoke('start_recording', params, call);
  }

  /** Stops the recording; the finished file on the server and what it holds. */
  stopRecording(options?: CallOptions): Promise<CommandResult<'stop_recording'>> {
    return this.invoke('stop_recording', {}, options);
  }

  /**
   * Streams frames of the screen to `onFrame` whenever it changes (at most `fps` a second; a
   * slow `onFrame` gets fewer, newer frames). Resolves with the frame count once the stream
   * ends: `signal` aborted, `unsubscribeFrames()`, or the connection closed. Needs our server
   * over a WebSocket.
   */
  async subscribeFrames(options: SubscribeFramesOptions): Promise<{ frames: number }> {
    const { onFrame, signal, format, quality, maxWidth, fps } = options;
    const params = { format, quality, max_width: maxWidth, fps };
    const onAbort = () => void this.unsubscribeFrames().catch(() => undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const reply = await this.transport.request('subscribe_frames', params, {
        timeoutMs: Number.POSITIVE_INFINITY,
        binary: true,
        nativeEvents: true,
        onEvent: (event) => {
          if (event.event !== 'frame') return;
          onFrame({
            seq: event.seq as number,
            format: event.format as ImageFormat,
            width: event.width as number,
            height: event.height as number,
            latencyMs: event.latency_ms as number,
            data:
              binaryField(event, 'image_data') ??
              decodeReplyBytes('subscribe_frames', event.image_data as string),
          });
        },
      });
      return parseReply('subscribe_frames', reply);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Ends this connection's frame streams. */
  unsubscribeFrames(options?: CallOptions): Promise<CommandResult<'unsubscribe_frames'>> {
    return this.invoke('unsubscribe_frames', {}, options);
  }

  /** A person takes over: other connections' input fails with code `paused` until released. */
  async takeControl(options?: CallOptions): Promise<void> {
    await this.invoke('take_control', {}, options);
  }

  async releaseControl(options?: CallOptions): Promise<void> {
    await this.invoke('release_control', {}, options);
  }

  /**
   * Traces on the server (Playwright-style): `start()` records every command, frames before and
   * after each input action and the screen as video; `stop()` writes the trace folder with a
   * self-contained `index.html` viewer and says where it is.
   */
  readonly tracing = {
    start: (
      options?: { path?: string; video?: boolean } & CallOptions,
    ): Promise<CommandResult<'start_trace'>> => {
      const [params, call] = splitCallOptions(options);
      return this.invoke('start_trace', params, call);
    },
    stop: (options?: CallOptions): Promise<CommandResult<'stop_trace'>> =>
      this.invoke('stop_trace', {}, options),
  };

  /** `start_trace`, as a command method (the same as `tracing.start`). */
  startTrace(
    options?: { path?: string; video?: boolean } & CallOptions,
  ): Promise<CommandResult<'start_trace'>> {
    return this.tracing.start(options);
  }

  /** `stop_trace`, as a command method (the same as `tracing.stop`). */
  stopTrace(options?: CallOptions): Promise<CommandResult<'stop_trace'>> {
    return this.tracing.stop(options);
  }
}

/** The `{stream, data}` of an `output` event of the stream extension; undefined for others. */
function outputChunk(event: RawReply): OutputChunk | undefined {
  const { event: kind, stream, data } = event;
  if (kind !== 'output' || typeof data !== 'string') return undefined;
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  return { stream, data };
}

/**
 * Turns a reply into the command's typed result, or throws the server's failure. Results are
 * checked against shapes compiled from the protocol's schemas (see result-shapes.ts).
 */
export function parseReply<N extends CommandName>(name: N, reply: RawReply): CommandResult<N> {
  if (reply.success !== true) throw new ComputerError(name, reply);
  const { success: _success, id: _id, ...fields } = reply;
  const checked = checkShape(RESULT_SHAPES[name], fields);
  if (!checked.ok) {
    throw new ComputerError(name, {
      success: false,
      code: 'invalid_reply',
      error: `The server's reply to ${name} does not match the protocol: ${checked.issues.join(
        '; ',
      )}`,
    });
  }
  return checked.value as CommandResult<N>;
}
