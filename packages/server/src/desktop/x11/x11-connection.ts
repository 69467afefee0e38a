// @ts-expect-error -- `x11` ships no types; x11-types.ts declares the part used here.
import x11Untyped from 'x11';
import { CommandError } from '../../core/command-error.js';
import type {
  X11Callback,
  X11Client,
  X11Display,
  X11Event,
  X11InputFocusReply,
  X11Module,
  X11ProtocolError,
  X11QueryPointerReply,
  X11XTestExtension,
} from './x11-types.js';
import type { X11XTestPointer } from './x11-extension-types.js';

const x11 = x11Untyped as X11Module;

export const DEFAULT_X11_REQUEST_TIMEOUT_MS = 5_000;
export const DEFAULT_X11_CONNECT_TIMEOUT_MS = 5_000;
// A polite close waits this long for the socket to go away before giving up on it.
const CLOSE_WAIT_MS = 1_000;

/** Atoms 1 to 68 are predefined by the protocol: the same on every server. */
const LAST_PREDEFINED_ATOM = 68;

const MAPPING_NOTIFY_MODIFIER = 0;
const MAPPING_NOTIFY_KEYBOARD = 1;

export interface X11ConnectionOptions {
  /** X display name, e.g. `:99`. */
  display: string;
  /**
   * Upper bound for every request. A display that dies or hangs never answers, and callbacks of
   * the `x11` package then never fire, so without this a caller would wait forever.
   */
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
}

export type X11ClosedListener = (reason: string) => void;

interface PendingRequest {
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

function displayUnavailable(display: string, reason: string): CommandError {
  const message = `X display ${display} is not available: ${reason}`;
  return new CommandError('display_unavailable', message);
}

function isProtocolError(error: X11ProtocolError): boolean {
  return typeof error.error === 'number';
}

function connectClient(
  options: X11ConnectionOptions,
  timeoutMs: number,
): Promise<{ client: X11Client; display: X11Display }> {
  const { display } = options;
  return new Promise((resolve, reject) => {
    let settled = false;
    let client: X11Client | undefined;
    const timer = setTimeout(() => {
      settled = true;
      client?.stream?.destroy();
      reject(displayUnavailable(display, `no X server answered within ${timeoutMs} ms`));
    }, timeoutMs);
    try {
      client = x11.createClient({ display, bufferRequests: true }, (error, info) => {
        if (settled) {
          // A late connection after the timeout must not linger.
          if (error === null || error === undefined) info?.client.terminate();
          return;
        }
        settled = true;
        clearTimeout(timer);
        if (error !== null && error !== undefined) {
          reject(displayUnavailable(display, error.message));
        } else if (info === undefined || client === undefined) {
          reject(displayUnavailable(display, 'the connection setup returned nothing'));
        } else {
          resolve({ client, display: info });
        }
      });
    } catch (error) {
      settled = true;
      clearTimeout(timer);
      reject(displayUnavailable(display, error instanceof Error ? error.message : String(error)));
      return;
    }
    // Socket errors after setup are emitted, and an unheard 'error' would kill the process.
    // X11Connection installs the real handler; this one covers the gap until then.
    client.on('error', (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(displayUnavailable(display, error.message));
    });
  });
}

/**
 * One connection to one X display: promise-based requests that always settle (timeout, or
 * rejection when the connection ends), XTest for synthetic input, and a cached keyboard mapping
 * kept current through `MappingNotify`.
 */
export class X11Connection {
  readonly display: string;
  readonly minKeycode: number;
  readonly maxKeycode: number;
  readonly root: number;
  /** The root window's size when the connection was made (RandR may change it later). */
  readonly initialScreenSize: { width: number; height: number };

  private readonly client: X11Client;
  private xtest: (X11XTestExtension & X11XTestPointer) | undefined;
  private readonly requestTimeoutMs: number;
  private readonly pending = new Set<PendingRequest>();
  private readonly closedListeners = new Set<X11ClosedListener>();
  private readonly eventListeners = new Set<(event: X11Event) => void>();
  private closedReason: string | undefined;

  private keysymsPerKeycodeValue = 0;
  private mapping: number[][] = [];
  private modifierMapping: number[][] = [];
  private mappingVersionValue = 0;
  // Bumped on every local change to a keycode, so that a refresh read before that change cannot
  // overwrite the newer local row with the server's older answer.
  private readonly keycodeWrites: number[];
  private refreshRange: { first: number; last: number } | undefined;
  private modifierRefreshPending = false;

  private constructor(client: X11Client, info: X11Display, options: X11ConnectionOptions) {
    this.client = client;
    this.display = options.display;
    this.minKeycode = info.min_keycode;
    this.maxKeycode = info.max_keycode;
    this.root = info.screen[0]?.root ?? 0;
    this.initialScreenSize = {
      width: info.screen[0]?.pixel_width ?? 0,
      height: info.screen[0]?.pixel_height ?? 0,
    };
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_X11_REQUEST_TIMEOUT_MS;
    this.keycodeWrites = new Array<number>(this.maxKeycode + 1).fill(0);
    // The `x11` package (4.2.2) starts every client on one module-level atom table and adds
    // what it interns there, so a name interned on one connection would be answered from that
    // table on any other (another display, or a restarted server after a reconnect): a wrong
    // number, then BadAtom. Each connection gets a table of its own, predefined atoms only.
    client.atoms = Object.fromEntries(
      Object.entries(client.atoms).filter(([, value]) => value <= LAST_PREDEFINED_ATOM),
    );

    client.on('end', () => this.markClosed('the X server closed the connection'));
    client.on('error', (error) => {
      // Protocol errors of requests without a callback land here; they concern one request, not
      // the connection. Anything else is a socket failure.
      if (!isProtocolError(error)) this.markClosed(`connection error: ${error.message}`);
    });
    client.stream?.on('close', () => this.markClosed('the connection to the X server closed'));
    client.on('event', (event) => this.dispatchEvent(event));
  }

  /** Connects, loads XTEST and reads the keyboard and modifier mappings. */
  static async open(options: X11ConnectionOptions): Promise<X11Connection> {
    const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_X11_CONNECT_TIMEOUT_MS;
    const { client, display } = await connectClient(options, connectTimeoutMs);
    const connection = new X11Connection(client, display, options);
    try {
      await connection.loadXTest();
      await Promise.all([connection.refreshKeyboardMapping(), connection.refreshModifierMapping()]);
    } catch (error) {
      await connection.close();
      throw error;
    }
    return connection;
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  /** Called once when the connection closes for any reason; returns an unsubscribe function. */
  onClosed(listener: X11ClosedListener): () => void {
    const reason = this.closedReason;
    if (reason !== undefined) {
      queueMicrotask(() => {
        try {
          listener(reason);
        } catch {
          // Same rule as in markClosed: a listener's failure is its own.
        }
      });
      return () => undefined;
    }
    this.closedListeners.add(listener);
    return () => {
      this.closedListeners.delete(listener);
    };
  }

  /** Throws `display_unavailable` once the connection is gone. */
  assertOpen(): void {
    if (this.closedReason !== undefined) {
      throw displayUnavailable(this.display, this.closedReason);
    }
  }

  /** Changes whenever the cached keyboard mapping changes, ours or another client's doing. */
  get mappingVersion(): number {
    return this.mappingVersionValue;
  }

  /** Keysyms of one keycode (columns: group 1 level 1, level 2, group 2 …); empty if unknown. */
  keysymsOf(keycode: number): readonly number[] {
    return this.mapping[keycode - this.minKeycode] ?? [];
  }

  /** Eight rows of keycodes: Shift, Lock, Control, Mod1…Mod5 (0 marks an empty slot). */
  get modifiers(): readonly (readonly number[])[] {
    return this.modifierMapping;
  }

  /** One round trip: resolves once the server has processed every request sent before it. */
  async sync(): Promise<void> {
    await this.request<X11InputFocusReply>('GetInputFocus', (cb) => this.client.GetInputFocus(cb));
  }

  queryPointer(): Promise<X11QueryPointerReply> {
    return this.request('QueryPointer', (cb) => this.client.QueryPointer(this.root, cb));
  }

  /** XTEST, for pointer input; keys go through `fakeKey`. */
  get xtestInput(): X11XTestPointer {
    this.assertOpen();
    const xtest = this.xtest;
    if (xtest === undefined) throw displayUnavailable(this.display, 'XTEST is not loaded');
    return xtest;
  }

  /** Sends a synthetic key press or release through XTEST (no reply; follow with `sync`). */
  fakeKey(keycode: number, press: boolean): void {
    this.assertOpen();
    const xtest = this.xtest;
    if (xtest === undefined) throw displayUnavailable(this.display, 'XTEST is not loaded');
    xtest.FakeInput(press ? xtest.KeyPress : xtest.KeyRelease, keycode, 0, 0, 0, 0);
  }

  /**
   * Replaces the keysyms of one keycode. The local cache is updated at once; the returned promise
   * settles once the server has processed the change (or failed it).
   */
  changeKeyboardMapping(keycode: number, keysyms: readonly number[]): Promise<void> {
    this.assertOpen();
    const promise = this.request<void>('ChangeKeyboardMapping', (cb) =>
      this.client.ChangeKeyboardMapping(keycode, keysyms.length, keysyms, cb),
    );
    const index = keycode - this.minKeycode;
    if (index >= 0 && index < this.mapping.length) {
      const width = Math.max(this.keysymsPerKeycodeValue, keysyms.length);
      this.mapping[index] = Array.from({ length: width }, (_, i) => keysyms[i] ?? 0);
      this.keycodeWrites[keycode] = (this.keycodeWrites[keycode] ?? 0) + 1;
      this.mappingVersionValue++;
    }
    return promise;
  }

  /** Re-reads the whole keyboard mapping from the server. */
  private async refreshKeyboardMapping(): Promise<void> {
    await this.refreshKeycodes(this.minKeycode, this.maxKeycode);
  }

  private async refreshModifierMapping(): Promise<void> {
    const rows = await this.request<number[][]>('GetModifierMapping', (cb) =>
      this.client.GetModifierMapping(cb),
    );
    this.modifierMapping = rows;
    this.mappingVersionValue++;
  }

  /** Closes the connection; pending requests reject with `display_unavailable`. Idempotent. */
  async close(): Promise<void> {
    if (this.closedReason !== undefined) return;
    const stream = this.client.stream;
    const gone =
      stream === undefined || stream.destroyed
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              stream.destroy();
              resolve();
            }, CLOSE_WAIT_MS);
            stream.on('close', () => {
              clearTimeout(timer);
              resolve();
            });
          });
    try {
      // Flushes what is still buffered, then ends the socket; destroying it instead would drop
      // requests (such as a keymap restore) that have not been written yet.
      this.client.terminate();
    } catch {
      stream?.destroy();
    }
    this.markClosed('the connection was closed', false);
    await gone;
  }

  private async loadXTest(): Promise<void> {
    try {
      this.xtest = await this.request<X11XTestExtension & X11XTestPointer>(
        'QueryExtension(XTEST)',
        (cb) =>
          this.client.require('xtest', (error, ext) => {
            cb(error, ext as X11XTestExtension & X11XTestPointer);
          }),
      );
    } catch (error) {
      if (error instanceof CommandError && error.code === 'display_unavailable') throw error;
      throw new CommandError('unsupported', `X display ${this.display} has no XTEST extension`);
    }
  }

  private async refreshKeycodes(first: number, last: number): Promise<void> {
    const writesBefore = this.keycodeWrites.slice();
    const rows = await this.request<number[][]>('GetKeyboardMapping', (cb) =>
      this.client.GetKeyboardMapping(first, last - first + 1, cb),
    );
    const total = this.maxKeycode - this.minKeycode + 1;
    if (this.mapping.length !== total) {
      this.mapping = Array.from({ length: total }, () => []);
    }
    let changed = false;
    rows.forEach((row, offset) => {
      const keycode = first + offset;
      if (this.keycodeWrites[keycode] !== writesBefore[keycode]) return;
      const index = keycode - this.minKeycode;
      const current = this.mapping[index];
      if (current === undefined || !sameKeysyms(current, row)) {
        this.mapping[index] = row;
        changed = true;
      }
    });
    const width = rows[0]?.length;
    if (width !== undefined && width !== this.keysymsPerKeycodeValue) {
      this.keysymsPerKeycodeValue = width;
      changed = true;
    }
    if (changed) this.mappingVersionValue++;
  }

  private dispatchEvent(event: X11Event): void {
    for (const listener of this.eventListeners) {
      try {
        listener(event);
      } catch {
        // One listener's failure must not starve the others (or the keymap refresh below).
      }
    }
    if (event.name !== 'MappingNotify') return;
    if (event.request === MAPPING_NOTIFY_MODIFIER) {
      this.scheduleModifierRefresh();
    } else if (event.request === MAPPING_NOTIFY_KEYBOARD) {
      const first = Math.max(event.firstKeyCode ?? this.minKeycode, this.minKeycode);
      const count = event.count ?? this.maxKeycode - first + 1;
      const last = Math.min(first + Math.max(count, 1) - 1, this.maxKeycode);
      this.scheduleKeyboardRefresh(first, last);
    }
  }

  // Every ChangeKeyboardMapping (ours included) produces a notification; one refresh per burst
  // is enough.
  private scheduleKeyboardRefresh(first: number, last: number): void {
    const range = this.refreshRange;
    if (range !== undefined) {
      range.first = Math.min(range.first, first);
      range.last = Math.max(range.last, last);
      return;
    }
    this.refreshRange = { first, last };
    setImmediate(() => {
      const current = this.refreshRange;
      this.refreshRange = undefined;
      if (current === undefined || this.closed) return;
      this.refreshKeycodes(current.first, current.last).catch(() => undefined);
    });
  }

  private scheduleModifierRefresh(): void {
    if (this.modifierRefreshPending) return;
    this.modifierRefreshPending = true;
    setImmediate(() => {
      this.modifierRefreshPending = false;
      if (this.closed) return;
      this.refreshModifierMapping().catch(() => undefined);
    });
  }

  /**
   * Sends one request through the raw client and resolves with its reply. Every call settles:
   * with the reply, a `command_failed` X error, or `display_unavailable` on timeout or close.
   */
  call<T>(name: string, send: (client: X11Client, callback: X11Callback<T>) => void): Promise<T> {
    return this.request(name, (callback) => send(this.client, callback));
  }

  /** The raw client, for requests that have no reply (follow them with `sync`). */
  get raw(): X11Client {
    this.assertOpen();
    return this.client;
  }

  /** Every event the server sends on this connection; returns an unsubscribe function. */
  onEvent(listener: (event: X11Event) => void): () => void {
    this.eventListeners.add(listener);
    return () => {
      this.eventListeners.delete(listener);
    };
  }

  private request<T>(name: string, send: (callback: X11Callback<T>) => void): Promise<T> {
    this.assertOpen();
    return new Promise<T>((resolve, reject) => {
      const entry: PendingRequest = {
        reject,
        timer: setTimeout(() => {
          if (!this.pending.delete(entry)) return;
          const reason = `${name} got no answer within ${this.requestTimeoutMs} ms`;
          reject(displayUnavailable(this.display, reason));
          // A server that stops answering is as good as gone, and every later request would
          // wait out the same timeout; give up on the connection so callers fail fast.
          this.markClosed(reason);
        }, this.requestTimeoutMs),
      };
      this.pending.add(entry);
      const callback: X11Callback<T> = (error, value) => {
        if (!this.pending.delete(entry)) return true;
        clearTimeout(entry.timer);
        if (error !== null && error !== undefined) {
          reject(new CommandError('command_failed', `X11 ${name} failed: ${error.message}`));
        } else {
          resolve(value as T);
        }
        return true;
      };
      try {
        send(callback);
      } catch (error) {
        this.pending.delete(entry);
        clearTimeout(entry.timer);
        const message = error instanceof Error ? error.message : String(error);
        reject(displayUnavailable(this.display, `${name} could not be sent: ${message}`));
      }
    });
  }

  private markClosed(reason: string, destroy = true): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    const error = displayUnavailable(this.display, reason);
    for (const entry of this.pending) {
      clearTimeout(entry.timer);
      entry.reject(error);
    }
    this.pending.clear();
    if (destroy) this.client.stream?.destroy();
    const listeners = [...this.closedListeners];
    this.closedListeners.clear();
    for (const listener of listeners) {
      try {
        listener(reason);
      } catch {
        // A failing listener must not keep the others from hearing about the close.
      }
    }
  }
}

function sameKeysyms(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((keysym, i) => keysym === b[i]);
}
