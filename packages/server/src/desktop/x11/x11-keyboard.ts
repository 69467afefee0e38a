import type { NormalizedKey } from '@cua/computer-protocol';
import { CommandError } from '../../core/command-error.js';
import { KEYSYM, keysymForChar, keysymForNamedKey } from './keysyms.js';
import { X11Connection, type X11ConnectionOptions } from './x11-connection.js';

/**
 * Clients read the keymap lazily: a keycode rebound while an application still has unprocessed
 * presses for it decodes those presses with the new symbol. A keycode therefore rests this long
 * after its last use before it may be rebound (measured safe in the desktop spike).
 */
export const DEFAULT_REBIND_AFTER_MS = 150;
/** Characters sent between two round trips, so a long text cannot flood the socket. */
export const DEFAULT_BATCH_CHARS = 256;

const SHIFT_MASK = 0x01;
const LOCK_MASK = 0x02;
const SHIFT_ROW = 0;

export interface X11KeyboardOptions {
  rebindAfterMs?: number;
  batchChars?: number;
  /** Close the connection in `close()` as well (set by `X11Keyboard.open`). */
  closeConnection?: boolean;
}

/** A key on the keymap: its keycode and the level (0 plain, 1 with Shift) giving the keysym. */
interface Stroke {
  keycode: number;
  level: 0 | 1;
}

interface HeldKey {
  keycode: number;
  /** The Shift key pressed along with it (a level-1 character), released with it. */
  shiftKeycode: number | undefined;
}

/** Modifier state around one `typeText` call, restored when it ends. */
interface TypingSession {
  /** Shift is down and cannot be lifted (not ours), so level-0 keys would come out shifted. */
  shiftStuck: boolean;
  /** Our own held Shift keys, lifted for the duration of typing. */
  liftedShiftKeycodes: number[];
  capsLockKeycode: number | undefined;
}

interface KeyTarget {
  keysym: number;
  label: string;
}

function codePointLabel(char: string): string {
  const cp = char.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

function keyId(key: NormalizedKey): string {
  return key.kind === 'named' ? `named:${key.name}` : `char:${key.char}`;
}

function keyLabel(key: NormalizedKey): string {
  return key.kind === 'named' ? key.name : `'${key.char}'`;
}

function isEmptyRow(row: readonly number[]): boolean {
  return row.every((keysym) => keysym === 0);
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      if (signal !== undefined) reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Keysyms of `text`, one per code point; `\r\n` is one Return. Throws before anything is typed
 * if some character cannot be produced by any key.
 */
function keysymsOfText(text: string): number[] {
  const keysyms: number[] = [];
  let previous = '';
  let index = 0;
  for (const char of text) {
    if (!(char === '\n' && previous === '\r')) {
      const keysym = keysymForChar(char);
      if (keysym === null) {
        throw new CommandError(
          'invalid_params',
          `Cannot type ${codePointLabel(char)} at index ${index}: no key produces it`,
        );
      }
      keysyms.push(keysym);
    }
    previous = char;
    index += char.length;
  }
  return keysyms;
}

/** Where each keysym of a text occurs next, for choosing which binding to give up. */
class UpcomingUses {
  private readonly positions = new Map<number, number[]>();
  private readonly cursors = new Map<number, number>();

  constructor(keysyms: readonly number[]) {
    keysyms.forEach((keysym, index) => {
      const list = this.positions.get(keysym);
      if (list === undefined) this.positions.set(keysym, [index]);
      else list.push(index);
    });
  }

  /** First position at or after `from` where `keysym` occurs; infinity if none. */
  next(keysym: number, from: number): number {
    const list = this.positions.get(keysym);
    if (list === undefined) return Number.POSITIVE_INFINITY;
    // Typing only moves forward, so each keysym's cursor only moves forward too.
    let cursor = this.cursors.get(keysym) ?? 0;
    while (cursor < list.length && (list[cursor] as number) < from) cursor++;
    this.cursors.set(keysym, cursor);
    return list[cursor] ?? Number.POSITIVE_INFINITY;
  }
}

/**
 * Layout-independent keyboard input through XTEST. Characters on the current keymap are typed with
 * their own key (plus Shift for level 2); anything else is bound to a spare keycode (one without
 * keysyms) with `ChangeKeyboardMapping`, kept bound in an LRU across calls, and unbound in
 * `close()`.
 */
export class X11Keyboard {
  private readonly connection: X11Connection;
  private readonly ownsConnection: boolean;
  private readonly rebindAfterMs: number;
  private readonly batchChars: number;

  private tail: Promise<unknown> = Promise.resolve();
  private closedHere = false;

  private indexVersion = -1;
  private readonly keysymIndex = new Map<number, Stroke>();
  private shiftKeycodes: readonly number[] = [];

  /** Keycodes with no keysyms when we started, ours to bind. */
  private readonly spares = new Set<number>();
  /** Keysyms of each spare as we found it, written back in `close()`. */
  private readonly originalRows = new Map<number, readonly number[]>();
  /** Bound keysym → spare keycode; Map order is least recently used first. */
  private readonly bindings = new Map<number, number>();
  private readonly boundKeysym = new Map<number, number>();
  /** When each spare keycode was last pressed or released (performance.now()). */
  private readonly lastUsedAt = new Map<number, number>();
  /** Spare keycodes currently held down (keyDown, or inside a hotkey): never rebound. */
  private readonly pinned = new Map<number, number>();
  /** Pending ChangeKeyboardMapping replies, awaited before the next key events go out. */
  private pendingChanges: Promise<void>[] = [];

  /** Keys held through `keyDown`, in press order. */
  private readonly held = new Map<string, HeldKey>();

  constructor(connection: X11Connection, options: X11KeyboardOptions = {}) {
    this.connection = connection;
    this.ownsConnection = options.closeConnection ?? false;
    this.rebindAfterMs = options.rebindAfterMs ?? DEFAULT_REBIND_AFTER_MS;
    this.batchChars = Math.max(1, options.batchChars ?? DEFAULT_BATCH_CHARS);
    const modifierKeycodes = new Set(connection.modifiers.flat());
    for (let keycode = connection.minKeycode; keycode <= connection.maxKeycode; keycode++) {
      const row = connection.keysymsOf(keycode);
      if (isEmptyRow(row) && !modifierKeycodes.has(keycode)) {
        this.spares.add(keycode);
        this.originalRows.set(keycode, row.length > 0 ? [...row] : [0]);
      }
    }
  }

  /** Opens a connection of its own to `options.display`; `close()` closes it again. */
  static async open(options: X11ConnectionOptions & X11KeyboardOptions): Promise<X11Keyboard> {
    const connection = await X11Connection.open(options);
    return new X11Keyboard(connection, { ...options, closeConnection: true });
  }

  /** True once `close()` was called or the connection to the display is gone. */
  get closed(): boolean {
    return this.closedHere || this.connection.closed;
  }

  /** Number of keycodes available for characters that are not on the keymap. */
  get spareKeycodeCount(): number {
    return this.spares.size;
  }

  /**
   * Types exactly `text`, whatever the layout and whatever Shift/Caps Lock state it finds.
   * Rejects with the signal's reason when `signal` aborts (what was sent so far stays typed).
   */
  typeText(text: string, signal?: AbortSignal): Promise<void> {
    return this.serial(async () => {
      const keysyms = keysymsOfText(text);
      if (signal?.aborted) throw abortReason(signal);
      this.refreshIndex();
      this.assertBindable(keysyms);
      if (keysyms.length === 0) return;
      const session = await this.beginTyping();
      const upcoming = new UpcomingUses(keysyms);
      try {
        let next = 0;
        while (next < keysyms.length) {
          if (signal?.aborted) throw abortReason(signal);
          next = await this.typeBatch(keysyms, next, session, upcoming, signal);
        }
      } finally {
        await this.endTyping(session);
      }
    });
  }

  /** Presses and holds `key` (a level-2 character holds Shift too, as xdotool does). */
  keyDown(key: NormalizedKey): Promise<void> {
    return this.serial(async () => {
      const target = this.targetOf(key);
      const id = keyId(key);
      const already = this.held.get(id);
      if (already !== undefined) {
        // A second press of a held key is what auto-repeat sends; keep the bookkeeping as is.
        this.connection.fakeKey(already.keycode, true);
        await this.connection.sync();
        return;
      }
      const stroke = this.strokeForKey(target);
      await this.flushMappingChanges();
      const shiftKeycode = this.needsOwnShift(stroke) ? this.requireShiftKeycode() : undefined;
      if (shiftKeycode !== undefined) this.connection.fakeKey(shiftKeycode, true);
      this.connection.fakeKey(stroke.keycode, true);
      this.held.set(id, { keycode: stroke.keycode, shiftKeycode });
      this.pin(stroke.keycode);
      await this.connection.sync();
    });
  }

  /** Releases `key`; releasing a key that is not held sends the release anyway, like pynput. */
  keyUp(key: NormalizedKey): Promise<void> {
    return this.serial(async () => {
      const target = this.targetOf(key);
      const id = keyId(key);
      const held = this.held.get(id);
      if (held !== undefined) {
        this.held.delete(id);
        this.connection.fakeKey(held.keycode, false);
        if (held.shiftKeycode !== undefined) this.connection.fakeKey(held.shiftKeycode, false);
        this.unpin(held.keycode);
        await this.connection.sync();
        this.markUsed([held.keycode]);
        return;
      }
      const keycode = this.existingKeycodeOf(target.keysym);
      if (keycode !== undefined) this.connection.fakeKey(keycode, false);
      await this.connection.sync();
    });
  }

  /** Presses and releases `key`. */
  pressKey(key: NormalizedKey): Promise<void> {
    return this.serial(async () => {
      const stroke = this.strokeForKey(this.targetOf(key));
      await this.flushMappingChanges();
      this.tap(stroke, this.needsOwnShift(stroke));
      await this.connection.sync();
      this.markUsed([stroke.keycode]);
    });
  }

  /**
   * Presses `keys[0..n-2]` in order, presses and releases the last, releases the others in
   * reverse order. Every key is resolved before anything is pressed.
   *
   * A character key means its keysym, as in xdotool: `ctrl+A` sends Control, Shift, a (A is the
   * level-2 symbol of the a key), so applications see Ctrl+Shift+A, not Ctrl+a.
   */
  hotkey(keys: readonly NormalizedKey[]): Promise<void> {
    return this.serial(async () => {
      if (keys.length === 0) throw new CommandError('invalid_params', 'Empty hotkey sequence');
      const targets = keys.map((key) => this.targetOf(key));
      const strokes: Stroke[] = [];
      try {
        for (const target of targets) {
          const stroke = this.strokeForKey(target);
          // Pinned so that a later key of the same hotkey cannot take this one's binding.
          this.pin(stroke.keycode);
          strokes.push(stroke);
        }
        await this.flushMappingChanges();
        const shiftKeycode = strokes.some((s) => this.needsOwnShift(s))
          ? this.requireShiftKeycode()
          : undefined;
        const last = strokes.length - 1;
        for (let i = 0; i < last; i++) this.press(strokes[i] as Stroke, shiftKeycode, true);
        this.tap(strokes[last] as Stroke, this.needsOwnShift(strokes[last] as Stroke));
        for (let i = last - 1; i >= 0; i--) this.press(strokes[i] as Stroke, shiftKeycode, false);
        await this.connection.sync();
      } finally {
        for (const stroke of strokes) this.unpin(stroke.keycode);
        this.markUsed(strokes.map((s) => s.keycode));
      }
    });
  }

  /**
   * Releases held keys, waits until no spare keycode is still fresh, writes the original keysyms
   * back to every keycode it bound, and closes the connection if it opened it. Never throws: on a
   * dead display there is nothing left to restore.
   */
  close(): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.closedHere) return;
      this.closedHere = true;
      try {
        if (this.connection.closed) return;
        for (const held of [...this.held.values()].reverse()) {
          this.connection.fakeKey(held.keycode, false);
          if (held.shiftKeycode !== undefined) this.connection.fakeKey(held.shiftKeycode, false);
          this.markUsed([held.keycode]);
        }
        this.held.clear();
        this.pinned.clear();
        await this.connection.sync();
        const useTimes = [...this.boundKeysym.keys()].map((kc) => this.usedAt(kc));
        const freshestUse = Math.max(0, ...useTimes);
        const waitMs = freshestUse + this.rebindAfterMs - performance.now();
        if (waitMs > 0) await delay(waitMs, undefined);
        this.refreshIndex();
        const restores: Promise<void>[] = [];
        for (const keycode of this.boundKeysym.keys()) {
          const original = this.originalRows.get(keycode) ?? [0];
          restores.push(this.connection.changeKeyboardMapping(keycode, original));
        }
        this.bindings.clear();
        this.boundKeysym.clear();
        await Promise.all([...restores, this.connection.sync()]);
      } catch {
        // The display went away while closing; nothing is left to restore on it.
      } finally {
        if (this.ownsConnection) await this.connection.close();
      }
    };
    // Queued behind running operations, but without the open-check: closing twice, or after the
    // display died, is fine.
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      this.assertUsable();
      return task();
    };
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }

  private assertUsable(): void {
    if (this.closedHere) {
      throw new CommandError(
        'display_unavailable',
        `X display ${this.connection.display} is not available: the keyboard was closed`,
      );
    }
    this.connection.assertOpen();
  }

  private targetOf(key: NormalizedKey): KeyTarget {
    if (key.kind === 'named') return { keysym: keysymForNamedKey(key.name), label: key.name };
    const keysym = [...key.char].length === 1 ? keysymForChar(key.char) : null;
    if (keysym === null) {
      throw new CommandError('invalid_params', `No key produces ${keyLabel(key)}`);
    }
    return { keysym, label: keyLabel(key) };
  }

  // --- keymap index -------------------------------------------------------------------------

  /** Rebuilds the keysym index when the keymap changed, and notices spares others took over. */
  private refreshIndex(): void {
    const version = this.connection.mappingVersion;
    if (version === this.indexVersion) return;
    this.indexVersion = version;
    this.reconcileSpares();
    this.keysymIndex.clear();
    // Level 0 anywhere beats level 1 anywhere: a plain key press is the least surprising.
    for (const level of [0, 1] as const) {
      for (let kc = this.connection.minKeycode; kc <= this.connection.maxKeycode; kc++) {
        if (this.spares.has(kc)) continue;
        const keysym = this.connection.keysymsOf(kc)[level] ?? 0;
        if (keysym !== 0 && !this.keysymIndex.has(keysym)) {
          this.keysymIndex.set(keysym, { keycode: kc, level });
        }
      }
    }
    const shiftRow = this.connection.modifiers[SHIFT_ROW] ?? [];
    const shifts = shiftRow.filter((kc) => kc !== 0);
    // Prefer a key that really is Shift_L/Shift_R over whatever else sits in the Shift row.
    const isShiftKeysym = (kc: number): boolean => {
      const keysym = this.connection.keysymsOf(kc)[0];
      return keysym === KEYSYM.Shift_L || keysym === KEYSYM.Shift_R;
    };
    this.shiftKeycodes = [
      ...shifts.filter(isShiftKeysym),
      ...shifts.filter((kc) => !isShiftKeysym(kc)),
    ];
  }

  private reconcileSpares(): void {
    for (const keycode of [...this.spares]) {
      const row = this.connection.keysymsOf(keycode);
      const ours = this.boundKeysym.get(keycode);
      if (ours !== undefined && row.includes(ours)) continue;
      if (ours === undefined && isEmptyRow(row)) continue;
      // Another client rewrote this keycode: it is theirs now, neither ours to bind nor restore.
      if (ours !== undefined) {
        this.bindings.delete(ours);
        this.boundKeysym.delete(keycode);
      }
      if (!isEmptyRow(row)) {
        this.spares.delete(keycode);
        this.originalRows.delete(keycode);
      }
    }
  }

  /**
   * A level-2 key needs Shift, unless a Shift we hold through `keyDown` already provides it:
   * pressing and releasing Shift around the key would then end that hold.
   */
  private needsOwnShift(stroke: Stroke): boolean {
    if (stroke.level !== 1) return false;
    for (const held of this.held.values()) {
      if (held.shiftKeycode !== undefined || this.shiftKeycodes.includes(held.keycode)) {
        return false;
      }
    }
    return true;
  }

  private requireShiftKeycode(): number {
    const keycode = this.shiftKeycodes[0];
    if (keycode === undefined) {
      throw new CommandError('command_failed', 'The keymap has no Shift key');
    }
    return keycode;
  }

  /** Keymap stroke for `keysym`, unless the level it needs cannot be reached. */
  private keymapStroke(keysym: number, shiftStuck: boolean): Stroke | undefined {
    const stroke = this.keysymIndex.get(keysym);
    if (stroke === undefined) return undefined;
    if (stroke.level === 0 && shiftStuck) return undefined;
    if (stroke.level === 1 && this.shiftKeycodes.length === 0) return undefined;
    return stroke;
  }

  /** Keycode already carrying `keysym` (keymap or binding), without binding anything new. */
  private existingKeycodeOf(keysym: number): number | undefined {
    this.refreshIndex();
    return this.keysymIndex.get(keysym)?.keycode ?? this.bindings.get(keysym);
  }

  /** Throws before typing if some keysym needs a spare keycode and none can ever be had. */
  private assertBindable(keysyms: readonly number[]): void {
    let usable = 0;
    for (const keycode of this.spares) if (!this.pinned.has(keycode)) usable++;
    if (usable > 0) return;
    const missing = keysyms.find((ks) => !this.keysymIndex.has(ks) && !this.bindings.has(ks));
    if (missing !== undefined) {
      throw new CommandError(
        'command_failed',
        `Keysym 0x${missing.toString(16)} is not on the keymap and no spare keycode is free`,
      );
    }
  }

  // --- spare keycode bindings ---------------------------------------------------------------

  private usedAt(keycode: number): number {
    return this.lastUsedAt.get(keycode) ?? Number.NEGATIVE_INFINITY;
  }

  private markUsed(keycodes: readonly number[]): void {
    const now = performance.now();
    for (const keycode of keycodes) {
      if (this.spares.has(keycode)) this.lastUsedAt.set(keycode, now);
    }
  }

  private pin(keycode: number): void {
    if (this.spares.has(keycode)) this.pinned.set(keycode, (this.pinned.get(keycode) ?? 0) + 1);
  }

  private unpin(keycode: number): void {
    const count = this.pinned.get(keycode);
    if (count === undefined) return;
    if (count <= 1) this.pinned.delete(keycode);
    else this.pinned.set(keycode, count - 1);
  }

  /**
   * A spare keycode for a new binding: a never-used one first, else a binding that is neither
   * held, nor needed by the batch being built, nor fresh. Among those, the one the text needs
   * again last (`nextUse`), then the least recently used: every rebinding makes each X client
   * re-read the keymap (a window manager re-grabs its keys, ~10 ms each for openbox), so plain
   * LRU, which misses every time on a text cycling through more characters than there are
   * spares, costs far more than this lookahead.
   */
  private pickSpare(
    busy: ReadonlySet<number>,
    nextUse: ((keysym: number) => number) | undefined,
  ): number | undefined {
    const now = performance.now();
    const free = (kc: number): boolean =>
      !busy.has(kc) && !this.pinned.has(kc) && now - this.usedAt(kc) >= this.rebindAfterMs;
    for (const keycode of this.spares) {
      if (!this.boundKeysym.has(keycode) && free(keycode)) return keycode;
    }
    let best: number | undefined;
    let bestNextUse = Number.NEGATIVE_INFINITY;
    for (const [keysym, keycode] of this.bindings) {
      if (!free(keycode)) continue;
      const next = nextUse === undefined ? Number.POSITIVE_INFINITY : nextUse(keysym);
      if (next === Number.POSITIVE_INFINITY) return keycode;
      if (next > bestNextUse) {
        best = keycode;
        bestNextUse = next;
      }
    }
    return best;
  }

  /** How long until some spare outside `busy` may be rebound. */
  private msUntilSpareFree(busy: ReadonlySet<number>): number {
    const now = performance.now();
    let best = Number.POSITIVE_INFINITY;
    for (const keycode of this.spares) {
      if (busy.has(keycode) || this.pinned.has(keycode)) continue;
      best = Math.min(best, this.usedAt(keycode) + this.rebindAfterMs - now);
    }
    return Math.max(0, best);
  }

  /** Binds `keysym` to `keycode` (both levels, so Shift cannot change it). */
  private bind(keycode: number, keysym: number): void {
    const previous = this.boundKeysym.get(keycode);
    if (previous !== undefined) this.bindings.delete(previous);
    this.bindings.set(keysym, keycode);
    this.boundKeysym.set(keycode, keysym);
    const change = this.connection.changeKeyboardMapping(keycode, [keysym, keysym]);
    // Awaited by the next flush; until then a dead display must not become an unhandled rejection.
    change.catch(() => undefined);
    this.pendingChanges.push(change);
  }

  /** Marks a binding as most recently used. */
  private touch(keysym: number, keycode: number): void {
    this.bindings.delete(keysym);
    this.bindings.set(keysym, keycode);
  }

  /** Returns the bound keycode for `keysym`, binding a spare if needed (undefined: none free). */
  private bindingFor(
    keysym: number,
    busy: ReadonlySet<number>,
    nextUse?: (keysym: number) => number,
  ): number | undefined {
    const existing = this.bindings.get(keysym);
    if (existing !== undefined) {
      this.touch(keysym, existing);
      return existing;
    }
    const keycode = this.pickSpare(busy, nextUse);
    if (keycode !== undefined) this.bind(keycode, keysym);
    return keycode;
  }

  /** Stroke for a key press: keymap first (either level), else a binding. */
  private strokeForKey(target: KeyTarget): Stroke {
    this.refreshIndex();
    const stroke = this.keymapStroke(target.keysym, false);
    if (stroke !== undefined) return stroke;
    const keycode = this.bindingFor(target.keysym, new Set());
    if (keycode === undefined) {
      throw new CommandError(
        'command_failed',
        `${target.label} is not on the keymap and no spare keycode is free to bind it`,
      );
    }
    return { keycode, level: 0 };
  }

  /**
   * Waits for queued ChangeKeyboardMapping requests plus one round trip, so the server and every
   * client have seen the new mapping before the first key event that relies on it.
   */
  private async flushMappingChanges(): Promise<void> {
    if (this.pendingChanges.length === 0) return;
    const changes = this.pendingChanges;
    this.pendingChanges = [];
    await Promise.all([...changes, this.connection.sync()]);
  }

  // --- key events ---------------------------------------------------------------------------

  private press(stroke: Stroke, shiftKeycode: number | undefined, down: boolean): void {
    const withShift = stroke.level === 1 && shiftKeycode !== undefined;
    if (down) {
      if (withShift) this.connection.fakeKey(shiftKeycode, true);
      this.connection.fakeKey(stroke.keycode, true);
    } else {
      this.connection.fakeKey(stroke.keycode, false);
      if (withShift) this.connection.fakeKey(shiftKeycode, false);
    }
  }

  private tap(stroke: Stroke, withShift: boolean): void {
    const shiftKeycode = withShift ? this.requireShiftKeycode() : undefined;
    if (shiftKeycode !== undefined) this.connection.fakeKey(shiftKeycode, true);
    this.connection.fakeKey(stroke.keycode, true);
    this.connection.fakeKey(stroke.keycode, false);
    if (shiftKeycode !== undefined) this.connection.fakeKey(shiftKeycode, false);
  }

  // --- typing -------------------------------------------------------------------------------

  /**
   * Lifts our own held Shift keys and turns Caps Lock off, so that what arrives is exactly the
   * text; a Shift held by someone else is detected and worked around per character.
   */
  private async beginTyping(): Promise<TypingSession> {
    const shiftSet = new Set(this.shiftKeycodes);
    const lifted: number[] = [];
    for (const held of this.held.values()) {
      if (shiftSet.has(held.keycode)) lifted.push(held.keycode);
      if (held.shiftKeycode !== undefined) lifted.push(held.shiftKeycode);
    }
    for (const keycode of lifted) this.connection.fakeKey(keycode, false);
    let { keyMask } = await this.connection.queryPointer();
    let capsLockKeycode: number | undefined;
    if ((keyMask & LOCK_MASK) !== 0) {
      const capsLock = this.keysymIndex.get(KEYSYM.Caps_Lock);
      if (capsLock !== undefined && capsLock.level === 0) {
        this.tap(capsLock, false);
        ({ keyMask } = await this.connection.queryPointer());
        if ((keyMask & LOCK_MASK) === 0) {
          capsLockKeycode = capsLock.keycode;
        } else {
          // Lock comes from somewhere a Caps_Lock press does not undo; put it back as it was.
          this.tap(capsLock, false);
        }
      }
    }
    return {
      shiftStuck: (keyMask & SHIFT_MASK) !== 0,
      liftedShiftKeycodes: lifted,
      capsLockKeycode,
    };
  }

  private async endTyping(session: TypingSession): Promise<void> {
    if (this.connection.closed) return;
    if (session.capsLockKeycode !== undefined) {
      this.tap({ keycode: session.capsLockKeycode, level: 0 }, false);
    }
    for (const keycode of session.liftedShiftKeycodes) this.connection.fakeKey(keycode, true);
    await this.connection.sync();
  }

  /**
   * Types one batch starting at `start` and returns where the next one starts. A batch ends
   * after `batchChars` characters, or earlier when a character needs a spare keycode and every
   * spare is busy; then it waits until one has rested long enough.
   */
  private async typeBatch(
    keysyms: readonly number[],
    start: number,
    session: TypingSession,
    upcoming: UpcomingUses,
    signal: AbortSignal | undefined,
  ): Promise<number> {
    this.refreshIndex();
    const shiftKeycode = this.shiftKeycodes[0];
    const strokes: Stroke[] = [];
    const busy = new Set<number>();
    let end = start;
    let starved = false;
    for (; end < keysyms.length && end - start < this.batchChars; end++) {
      const keysym = keysyms[end] as number;
      const stroke = this.keymapStroke(keysym, session.shiftStuck);
      if (stroke !== undefined) {
        strokes.push(stroke);
        continue;
      }
      const position = end;
      const keycode = this.bindingFor(keysym, busy, (ks) => upcoming.next(ks, position));
      if (keycode === undefined) {
        starved = true;
        break;
      }
      busy.add(keycode);
      strokes.push({ keycode, level: 0 });
    }
    await this.flushMappingChanges();
    for (const stroke of strokes) {
      // Under a stuck Shift, level-1 keys need no extra press; level-0 keys were bound instead.
      this.tap(stroke, stroke.level === 1 && !session.shiftStuck && shiftKeycode !== undefined);
    }
    await this.connection.sync();
    // Measured from when the server has handled the presses, not from when they were queued.
    this.markUsed([...busy]);
    if (starved) {
      const waitMs = this.msUntilSpareFree(new Set());
      if (!Number.isFinite(waitMs)) {
        throw new CommandError('command_failed', 'No spare keycode is left to bind characters to');
      }
      await delay(waitMs, signal);
    }
    return end;
  }
}
