/**
 * The slice of the untyped `x11` package's extensions (MIT-SHM, DAMAGE, RandR, XTEST pointer
 * input) and of its core image and window-attribute requests that capture, pointer, damage and
 * screen tracking use. Shapes follow the package's `lib/ext/*.js` and `lib/corereqs.js` (4.x).
 */
import type { X11Callback, X11Client } from './x11-types.js';

/** What every `client.require(name, cb)` extension object carries. */
export interface X11ExtensionBase {
  majorOpcode: number;
  firstEvent: number;
  firstError: number;
}

export interface X11ShmGetImageReply {
  depth: number;
  visual: number;
  /** Bytes the server wrote into the segment. */
  size: number;
}

export interface X11ShmExtension extends X11ExtensionBase {
  /** Whether this connection can pass descriptors (a local socket): AttachFd needs it. */
  fdCapable: boolean;
  major: number;
  minor: number;
  /** Hands the server a dup of `fd`; the callback fires once the server processed it. */
  AttachFd(shmseg: number, fd: number, readOnly: boolean, callback: X11Callback<void>): void;
  Detach(shmseg: number): void;
  GetImage(
    drawable: number,
    x: number,
    y: number,
    width: number,
    height: number,
    planeMask: number,
    format: number,
    shmseg: number,
    offset: number,
    callback: X11Callback<X11ShmGetImageReply>,
  ): void;
}

export interface X11DamageExtension extends X11ExtensionBase {
  ReportLevel: { RawRectangles: 0; DeltaRectangles: 1; BoundingBox: 2; NonEmpty: 3 };
  Create(damage: number, drawable: number, reportLevel: number): void;
  Destroy(damage: number): void;
}

export interface X11DamageNotify {
  name: 'DamageNotify';
  damage: number;
  area: { x: number; y: number; w: number; h: number };
}

export interface X11RandrCrtcInfo {
  x: number;
  y: number;
  width: number;
  height: number;
  mode: number;
  output: number[];
}

export interface X11RandrOutputInfo {
  crtc: number;
  /** 0 connected, 1 disconnected, 2 unknown. */
  connection: number;
  name: string;
}

export interface X11RandrExtension extends X11ExtensionBase {
  NotifyMask: { ScreenChange: 1; CrtcChange: 2; OutputChange: 4; All: 15 };
  SelectInput(window: number, mask: number): void;
  GetScreenResourcesCurrent(
    window: number,
    callback: X11Callback<{ config_timestamp: number; crtcs: number[]; outputs: number[] }>,
  ): void;
  GetCrtcInfo(crtc: number, configTimestamp: number, callback: X11Callback<X11RandrCrtcInfo>): void;
  GetOutputInfo(
    output: number,
    configTimestamp: number,
    callback: X11Callback<X11RandrOutputInfo>,
  ): void;
  GetOutputPrimary(window: number, callback: X11Callback<number>): void;
}

/** XTEST's FakeInput event types beyond the keys (`X11XTestExtension` has those). */
export interface X11XTestPointer {
  ButtonPress: number;
  ButtonRelease: number;
  MotionNotify: number;
  FakeInput(type: number, detail: number, time: number, wid: number, x: number, y: number): void;
}

export interface X11CoreImageReply {
  depth: number;
  visualId: number;
  data: Buffer;
}

/** Core requests used here, on the same client object as `X11Client`. */
export interface X11ImageClient extends Omit<X11Client, 'require'> {
  AllocID(): number;
  GetImage(
    format: number,
    drawable: number,
    x: number,
    y: number,
    width: number,
    height: number,
    planeMask: number,
    callback: X11Callback<X11CoreImageReply>,
  ): boolean;
  ChangeWindowAttributes(window: number, values: { eventMask?: number }, callback?: unknown): void;
  require(name: string, callback: (error: Error | null, ext?: unknown) => void): void;
}
