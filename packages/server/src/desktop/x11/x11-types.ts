/**
 * The slice of the untyped `x11` package (4.x) that this directory uses, declared by hand so that
 * no `any` escapes the module that loads it. Names and shapes follow the package's sources
 * (`lib/xcore.js`, `lib/corereqs.js`, `lib/ext/xtest.js`, `lib/generated/*`).
 */

/** What the package hands to a callback when the server answers a request with an error. */
export interface X11ProtocolError extends Error {
  /** X error code (BadValue = 2, BadAccess = 10, …); absent on socket errors. */
  error?: number;
  seq?: number;
  badParam?: number;
  majorOpcode?: number;
  minorOpcode?: number;
}

/**
 * Reply callback. The package treats a truthy return value as "error handled"; a falsy one makes
 * it emit the error on the client as well.
 */
export type X11Callback<T> = (error: X11ProtocolError | null | undefined, value?: T) => boolean;

export interface X11Screen {
  root: number;
  pixel_width: number;
  pixel_height: number;
}

export interface X11Display {
  client: X11Client;
  min_keycode: number;
  max_keycode: number;
  screen: X11Screen[];
}

export interface X11QueryPointerReply {
  root: number;
  child: number;
  rootX: number;
  rootY: number;
  /** Modifier and button state: Shift 0x1, Lock 0x2, Control 0x4, Mod1…Mod5 0x8…0x80. */
  keyMask: number;
}

export interface X11InputFocusReply {
  focus: number;
  revertTo: number;
}

/** GetProperty: `type` 0 (None) when the property does not exist. */
export interface X11GetPropertyReply {
  type: number;
  /** 8, 16 or 32 bits per element, as the property was stored. */
  format: number;
  /** Bytes left beyond what this reply carried. */
  bytesAfter: number;
  data: Buffer;
}

export interface X11GetGeometryReply {
  depth: number;
  windowid: number;
  /** Relative to the parent window. */
  xPos: number;
  yPos: number;
  width: number;
  height: number;
  borderWidth: number;
}

export interface X11TranslateCoordinatesReply {
  sameScreen: number;
  child: number;
  destX: number;
  destY: number;
}

/** Only the fields this directory reads. */
export interface X11WindowAttributesReply {
  /** 1 for windows the window manager leaves alone (menus, tooltips). */
  overrideRedirect: number;
}

export interface X11QueryTreeReply {
  root: number;
  parent: number;
  children: number[];
}

/** The ConfigureWindow value list; only the given fields are sent. */
export interface X11ConfigureWindowValues {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  borderWidth?: number;
  sibling?: number;
  /** 0 Above, 1 Below, 2 TopIf, 3 BottomIf, 4 Opposite. */
  stackMode?: number;
}

/** Events are plain objects; only the fields this directory reads are listed. */
export interface X11Event {
  type: number;
  name?: string;
  /** MappingNotify: 0 Modifier, 1 Keyboard, 2 Pointer. */
  request?: number;
  firstKeyCode?: number;
  count?: number;
}

export interface X11XTestExtension {
  KeyPress: number;
  KeyRelease: number;
  FakeInput(type: number, detail: number, time: number, wid: number, x: number, y: number): void;
}

/** The socket behind the client; set once the connection is established. */
export interface X11Stream {
  destroyed: boolean;
  on(event: 'close', listener: () => void): unknown;
  destroy(): void;
}

export interface X11Client {
  stream?: X11Stream;
  on(event: 'event', listener: (event: X11Event) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: X11ProtocolError) => void): unknown;
  require(name: 'xtest', callback: (error: Error | null, ext?: X11XTestExtension) => void): void;
  GetInputFocus(callback: X11Callback<X11InputFocusReply>): boolean;
  QueryPointer(window: number, callback: X11Callback<X11QueryPointerReply>): boolean;
  /** Rows of keysyms, one row per keycode, `keysymsPerKeycode` columns each. */
  GetKeyboardMapping(first: number, count: number, callback: X11Callback<number[][]>): boolean;
  ChangeKeyboardMapping(
    first: number,
    keysymsPerKeycode: number,
    keysyms: readonly number[],
    callback?: X11Callback<void>,
  ): boolean;
  /** Eight rows (Shift, Lock, Control, Mod1…Mod5) of keycodes, 0 for an empty slot. */
  GetModifierMapping(callback: X11Callback<number[][]>): boolean;
  /**
   * The client's atom cache, name to atom, which InternAtom answers from without asking the
   * server. Starts as the package's module-level table of predefined atoms, shared by every client.
   */
  atoms: Record<string, number>;
  InternAtom(onlyIfExists: boolean, name: string, callback: X11Callback<number>): boolean;
  GetAtomName(atom: number, callback: X11Callback<string>): boolean;
  /** `longOffset` and `longLength` count 4-byte units; `type` 0 is AnyPropertyType. */
  GetProperty(
    deleteAfter: number,
    window: number,
    property: number,
    type: number,
    longOffset: number,
    longLength: number,
    callback: X11Callback<X11GetPropertyReply>,
  ): boolean;
  /** `event` is the 32 wire bytes of the event. */
  SendEvent(
    destination: number,
    propagate: number,
    eventMask: number,
    event: Buffer,
    callback?: X11Callback<void>,
  ): boolean;
  ConfigureWindow(
    window: number,
    values: X11ConfigureWindowValues,
    callback?: X11Callback<void>,
  ): boolean;
  GetGeometry(drawable: number, callback: X11Callback<X11GetGeometryReply>): boolean;
  TranslateCoordinates(
    source: number,
    destination: number,
    x: number,
    y: number,
    callback: X11Callback<X11TranslateCoordinatesReply>,
  ): boolean;
  QueryTree(window: number, callback: X11Callback<X11QueryTreeReply>): boolean;
  GetWindowAttributes(window: number, callback: X11Callback<X11WindowAttributesReply>): boolean;
  terminate(): void;
}

export interface X11CreateClientOptions {
  display: string;
  /** Batch outgoing requests into fewer socket writes (flushed before the event loop polls). */
  bufferRequests?: boolean;
}

export interface X11Module {
  createClient(
    options: X11CreateClientOptions,
    callback: (error: Error | null | undefined, display?: X11Display) => void,
  ): X11Client;
}
