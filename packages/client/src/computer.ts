import type {
  CommandName,
  CommandParams,
  CommandResult,
  VersionResult,
} from '@cua/computer-protocol';
import { splitHotkey } from '@cua/computer-protocol/wire';
import {
  isOptionsObject,
  splitCallOptions,
  trailingOptions,
  type CallOptions,
} from './call-options.js';
import type {
  AccessibilityTree,
  AccessibilityTreeOptions,
  Bounds,
  ButtonArgs,
  ClicksArgs,
  CommandOutput,
  ComputerOptions,
  DragOptions,
  FindElementQuery,
  FoundElements,
  HotkeyArgs,
  NoOptions,
  ParamsArgs,
  Point,
  PointArgs,
  ReadBytesOptions,
  RecordingOptions,
  RunCommandOptions,
  ScreenSize,
  Screenshot,
  ScreenshotOptions,
  ScrollDirection,
  Size,
  SubscribeFramesOptions,
  TraceOptions,
  WindowId,
  WriteOptions,
} from './computer-types.js';
import { createTransport, credentialsOf, DEFAULT_TIMEOUT_MS } from './create-transport.js';
import { httpBaseUrl, resolveEndpoint } from './endpoint.js';
import { readFileBytes, writeFileBytes, type InvokeFileCommand } from './file-transfer.js';
import { subscribeFrames } from './live-frames.js';
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
import { parseReply } from './reply-parsing.js';
import { runCommand } from './run-command.js';
import { takeScreenshot } from './screenshot.js';
import type { ConnectionState, Transport } from './transport.js';

export type { CallOptions };

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
    this.transport = createTransport(endpoint, options, this.defaultTimeoutMs);
    this.pty = new PtyClient({
      baseUrl: endpoint.transport === 'http' ? endpoint.url : httpBaseUrl(endpoint.url),
      credentials: credentialsOf(options),
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

  /** `invoke` for the chunked file transfers, which make several calls. */
  private readonly invokeFileCommand: InvokeFileCommand = (name, params, options) =>
    this.invoke(name, params, options);

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
  runCommand(command: string, options?: RunCommandOptions): Promise<CommandOutput> {
    return runCommand(this.transport, this.defaultTimeoutMs, command, options);
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
  readBytes(path: string, options?: ReadBytesOptions): Promise<Uint8Array> {
    const [{ offset = 0, length }, call] = splitCallOptions(options);
    return readFileBytes(this.invokeFileCommand, path, offset, length, call);
  }

  /**
   * Writes bytes to a file (replacing it, or appending). Data above 5 MiB goes in 1 MiB chunks,
   * the later ones appended: not atomic then, a failure part-way leaves a partial file.
   */
  writeBytes(path: string, data: Uint8Array, options?: WriteOptions): Promise<void> {
    const [{ append = false }, call] = splitCallOptions(options);
    return writeFileBytes(this.invokeFileCommand, path, data, append, call);
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
  maximizeWindow(windowId: WindowId, options?: CallOptions): Promise<void> {
    return this.windowAction('maximize_window', windowId, options);
  }

  /** Minimizes (iconifies) a window. */
  minimizeWindow(windowId: WindowId, options?: CallOptions): Promise<void> {
    return this.windowAction('minimize_window', windowId, options);
  }

  /** Raises and focuses a window. */
  activateWindow(windowId: WindowId, options?: CallOptions): Promise<void> {
    return this.windowAction('activate_window', windowId, options);
  }

  /** Asks a window to close (the application may refuse, e.g. to ask about unsaved work). */
  closeWindow(windowId: WindowId, options?: CallOptions): Promise<void> {
    return this.windowAction('close_window', windowId, options);
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
  mouseDown<const O extends ActionOptions = NoOptions>(...args: ButtonArgs<O>): Promise<Acted<O>> {
    return this.buttonAction<O>('mouse_down', args);
  }

  /** Releases a mouse button (default left), at x, y when given, else where the pointer is. */
  mouseUp<const O extends ActionOptions = NoOptions>(...args: ButtonArgs<O>): Promise<Acted<O>> {
    return this.buttonAction<O>('mouse_up', args);
  }

  /** Left click, at x, y when given, else where the pointer is. */
  leftClick<const O extends ActionOptions = NoOptions>(...args: PointArgs<O>): Promise<Acted<O>> {
    return this.actWith<O>('left_click', {}, ['x', 'y'], args);
  }

  /** Right click, at x, y when given, else where the pointer is. */
  rightClick<const O extends ActionOptions = NoOptions>(...args: PointArgs<O>): Promise<Acted<O>> {
    return this.actWith<O>('right_click', {}, ['x', 'y'], args);
  }

  /** Double left click, at x, y when given, else where the pointer is. */
  doubleClick<const O extends ActionOptions = NoOptions>(...args: PointArgs<O>): Promise<Acted<O>> {
    return this.actWith<O>('double_click', {}, ['x', 'y'], args);
  }

  /** Middle click, at x, y when given (our server's extension: upstream never registered it). */
  middleClick<const O extends ActionOptions = NoOptions>(...args: PointArgs<O>): Promise<Acted<O>> {
    return this.actWith<O>('middle_click', {}, ['x', 'y'], args);
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
    const [parts, options] = trailingOptions<ActionOptions>(args);
    const keys = (parts as (string | readonly string[])[]).flatMap((part) => splitHotkey(part));
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
  scrollDown<const O extends ActionOptions = NoOptions>(...args: ClicksArgs<O>): Promise<Acted<O>> {
    return this.actWith<O>('scroll_down', {}, ['clicks'], args);
  }

  /** Scrolls up by `clicks` notches (default 1) at the pointer. */
  scrollUp<const O extends ActionOptions = NoOptions>(...args: ClicksArgs<O>): Promise<Acted<O>> {
    return this.actWith<O>('scroll_up', {}, ['clicks'], args);
  }

  /**
   * Scrolls `clicks` notches (default 1) up, down, left or right. Upstream servers scroll 300
   * notches per click sideways.
   */
  scrollDirection<const O extends ActionOptions = NoOptions>(
    direction: ScrollDirection,
    ...args: ClicksArgs<O>
  ): Promise<Acted<O>> {
    return this.actWith<O>('scroll_direction', { direction }, ['clicks'], args);
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
  screenshot(options?: ScreenshotOptions): Promise<Screenshot> {
    return takeScreenshot(this.transport, options);
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
  toScreenCoordinates(
    x: number,
    y: number,
    options?: CallOptions & { scale?: number },
  ): Promise<[number, number]> {
    return this.convert('to_screen_coordinates', x, y, options);
  }

  /** Converts screen coordinates to screenshot pixel coordinates (the inverse of the above). */
  toScreenshotCoordinates(
    x: number,
    y: number,
    options?: CallOptions & { scale?: number },
  ): Promise<[number, number]> {
    return this.convert('to_screenshot_coordinates', x, y, options);
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
  subscribeFrames(options: SubscribeFramesOptions): Promise<{ frames: number }> {
    return subscribeFrames(this.transport, options, () => this.unsubscribeFrames());
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
    start: (options?: TraceOptions): Promise<CommandResult<'start_trace'>> => {
      const [params, call] = splitCallOptions(options);
      return this.invoke('start_trace', params, call);
    },
    stop: (options?: CallOptions): Promise<CommandResult<'stop_trace'>> =>
      this.invoke('stop_trace', {}, options),
  };

  /** `start_trace`, as a command method (the same as `tracing.start`). */
  startTrace(options?: TraceOptions): Promise<CommandResult<'start_trace'>> {
    return this.tracing.start(options);
  }

  /** `stop_trace`, as a command method (the same as `tracing.stop`). */
  stopTrace(options?: CallOptions): Promise<CommandResult<'stop_trace'>> {
    return this.tracing.stop(options);
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
    const result = await this.invoke(name, withObserve, call);
    return actedResult<O>(name, result);
  }

  /** `act` for positional arguments: the values given name `params[names[i]]`, options last. */
  private actWith<O>(
    name: ObservableCommand,
    fixed: Record<string, unknown>,
    names: readonly string[],
    args: readonly unknown[],
  ): Promise<Acted<O>> {
    const [values, options] = trailingOptions<ActionOptions>(args);
    const params = { ...fixed };
    names.forEach((key, i) => (params[key] = values[i]));
    return this.act<O>(name, params, options);
  }

  /** `(button?)` or `(x, y, button?)`, the options last. */
  private buttonAction<O>(name: 'mouse_down' | 'mouse_up', args: readonly unknown[]) {
    const names = typeof args[0] === 'number' ? ['x', 'y', 'button'] : ['button'];
    return this.actWith<O>(name, {}, names, args);
  }

  private async windowAction(
    name: 'maximize_window' | 'minimize_window' | 'activate_window' | 'close_window',
    windowId: WindowId,
    options: CallOptions | undefined,
  ): Promise<void> {
    await this.invoke(name, { window_id: windowId }, options);
  }

  private async convert(
    name: 'to_screen_coordinates' | 'to_screenshot_coordinates',
    x: number,
    y: number,
    options: (CallOptions & { scale?: number }) | undefined,
  ): Promise<[number, number]> {
    const [{ scale }, call] = splitCallOptions(options);
    const { coordinates } = await this.invoke(name, { x, y, scale }, call);
    return [coordinates[0], coordinates[1]];
  }
}
