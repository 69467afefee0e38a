import type { X11Connection } from './x11-connection.js';
import type {
  X11InputFocusReply,
  X11QueryTreeReply,
  X11WindowAttributesReply,
} from './x11-types.js';

/**
 * How long after a press keys may wait for the window manager to focus the clicked window. A
 * window manager answers in a few milliseconds; a loaded machine can take tens.
 */
export const FOCUS_WAIT_MS = 250;
const POLL_MS = 3;
/** GetInputFocus's special values: no focus, and focus follows the pointer. */
const FOCUS_NONE = 0;
const POINTER_ROOT = 1;
const MAX_TREE_DEPTH = 64;

interface Expectation {
  /** The top-level window (a child of the root) that was clicked. */
  toplevel: number;
  /** The top-level window that had the focus just after the press. */
  focusBefore: number;
  deadline: number;
}

/**
 * A click moves the keyboard focus only once the window manager, another process, has handled
 * it, which can be after our click has returned; keys sent at once (a model's "click, then type"
 * in one batch) would then reach the window that had the focus before. So each press notes the
 * clicked top-level window, and the next key input first waits (up to FOCUS_WAIT_MS after the
 * press) until the focus is in that window or has moved at all, the window manager's answer.
 * No wait when nothing is pending: a click on the focused window, on the root, on an
 * override-redirect window (menus, which no window manager focuses), or with focus following
 * the pointer.
 */
export class FocusAfterClick {
  private pending: Promise<Expectation | undefined> | undefined;

  constructor(private readonly connection: X11Connection) {}

  /** Call once a press has reached the server; the look-up runs alongside what comes next. */
  pressed(): void {
    const deadline = Date.now() + FOCUS_WAIT_MS;
    this.pending = this.expectation(deadline).catch(() => undefined);
  }

  /** Call before key input: resolves once a pending focus change has happened or timed out. */
  async beforeKeys(): Promise<void> {
    const pending = this.pending;
    if (pending === undefined) return;
    this.pending = undefined;
    const expected = await pending;
    if (expected === undefined) return;
    while (Date.now() < expected.deadline) {
      const focus = await this.focusedTopLevel();
      if (focus === expected.toplevel || focus !== expected.focusBefore) return;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private async expectation(deadline: number): Promise<Expectation | undefined> {
    const [pointer, focus] = await Promise.all([
      this.connection.queryPointer(),
      this.focusedTopLevel(),
    ]);
    const toplevel = pointer.child;
    if (toplevel === 0 || toplevel === focus || focus === POINTER_ROOT) return undefined;
    const attributes = await this.connection.call<X11WindowAttributesReply>(
      'GetWindowAttributes',
      (client, callback) => client.GetWindowAttributes(toplevel, callback),
    );
    if (attributes.overrideRedirect) return undefined;
    return { toplevel, focusBefore: focus, deadline };
  }

  /** The root's child that holds the focus (or FOCUS_NONE / POINTER_ROOT / the root). */
  private async focusedTopLevel(): Promise<number> {
    const { focus } = await this.connection.call<X11InputFocusReply>('GetInputFocus', (c, cb) =>
      c.GetInputFocus(cb),
    );
    const root = this.connection.root;
    if (focus === FOCUS_NONE || focus === POINTER_ROOT || focus === root) return focus;
    let window = focus;
    for (let depth = 0; depth < MAX_TREE_DEPTH; depth++) {
      const tree = await this.connection.call<X11QueryTreeReply>('QueryTree', (c, cb) =>
        c.QueryTree(window, cb),
      );
      if (tree.parent === root || tree.parent === 0) return window;
      window = tree.parent;
    }
    return window;
  }
}
