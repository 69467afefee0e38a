import type { AccessibilityNode } from '@cua/computer-protocol';
import type { AtspiClient, Extents, NodeRef } from './atspi-client.js';
import { stateNames } from './atspi-enums.js';
import type { ElementIds } from './element-ids.js';
import { readElement, type ElementContext, type ReadElement } from './read-element.js';

/** A table or list with a million rows exposes them all; past this many, the rest are left out. */
export const MAX_CHILDREN_PER_NODE = 1000;
/** Past this many children, hidden ones are skipped before they are read (visible_only). */
const WIDE_NODE_CHILDREN = 16;

export interface WalkOptions {
  maxDepth: number;
  visibleOnly: boolean;
  maxNodes: number;
  timeoutMs: number;
  /** Nodes wholly outside this rectangle count as not visible (the window, the screen). */
  clip?: Extents;
  /** The X window of each top-level window, for `window_id` on its nodes. */
  windowIdOf?: (node: ReadElement) => number | undefined;
  signal?: AbortSignal;
}

export interface WalkResult {
  tree: AccessibilityNode | undefined;
  nodeCount: number;
  truncated?: 'max_nodes' | 'timeout';
  elapsedMs: number;
}

const TIMED_OUT = Symbol('timed out');

function intersects(a: Extents, b: Extents): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Roles that are containers of windows rather than things on screen. */
const NOT_ON_SCREEN_ROLES = new Set(['application', 'desktop frame']);

function isVisible(node: ReadElement, clip: Extents | undefined): boolean {
  if (NOT_ON_SCREEN_ROLES.has(node.element.role)) return true;
  // `visible` is only the intent; `showing` is on screen (GTK clears it for scrolled-out rows).
  if (!node.states.has('showing')) return false;
  if (node.states.has('iconified')) return false;
  const bounds = node.element.bounds;
  if (clip && bounds && !intersects(bounds, clip)) return false;
  return true;
}

/**
 * Reads the tree under `root` breadth and depth at once: every node's calls, its children's
 * included, go out together, so the walk takes about one round trip per level plus the time
 * the app needs to answer them all. Bounded by node count and time: what is not read by then
 * is left out and `truncated` says why. Objects that vanish mid-walk are left out silently.
 */
export async function walkTree(
  client: AtspiClient,
  ids: ElementIds,
  root: NodeRef,
  rootContext: ElementContext,
  options: WalkOptions,
): Promise<WalkResult> {
  const started = performance.now();
  let count = 0;
  let truncated: WalkResult['truncated'];
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), options.timeoutMs);
  });
  const onAbort = () => (truncated = 'timeout');
  options.signal?.addEventListener('abort', onAbort);

  const visit = async (
    ref: NodeRef,
    depth: number,
    context: ElementContext,
  ): Promise<AccessibilityNode | undefined> => {
    if (truncated === 'timeout') return undefined;
    if (count >= options.maxNodes) {
      truncated ??= 'max_nodes';
      return undefined;
    }
    count++;
    const withChildren = depth < options.maxDepth;
    const read = await Promise.race([
      readElement(client, ids, ref, context, { withChildren }).catch(() => undefined),
      deadline,
    ]);
    if (read === TIMED_OUT) {
      truncated = 'timeout';
      count--;
      return undefined;
    }
    if (read === undefined || (options.visibleOnly && !isVisible(read, options.clip))) {
      count--;
      return undefined;
    }
    const windowId = context.windowId ?? options.windowIdOf?.(read);
    if (windowId !== undefined && read.element.window_id === undefined) {
      read.element.window_id = windowId;
    }
    const childContext: ElementContext = {
      ...(read.element.pid !== undefined ? { pid: read.element.pid } : {}),
      ...(windowId !== undefined ? { windowId } : {}),
    };
    let childRefs = (read.children ?? []).slice(0, MAX_CHILDREN_PER_NODE);
    if (options.visibleOnly && childRefs.length > WIDE_NODE_CHILDREN) {
      // A long list scrolled mostly out of view: one state call each first, and only the rows
      // on screen are read in full.
      const showing = await Promise.race([
        Promise.all(
          childRefs.map((child) =>
            client.state(child).then(
              (words) => stateNames(words).includes('showing'),
              () => false,
            ),
          ),
        ),
        deadline,
      ]);
      if (showing === TIMED_OUT) {
        truncated = 'timeout';
        childRefs = [];
      } else {
        childRefs = childRefs.filter((_, index) => showing[index]);
      }
    }
    const children = await Promise.all(
      childRefs.map((child) => visit(child, depth + 1, childContext)),
    );
    return {
      ...read.element,
      children: children.filter((child): child is AccessibilityNode => child !== undefined),
    };
  };

  try {
    const tree = await visit(root, 0, rootContext);
    return {
      tree,
      nodeCount: count,
      ...(truncated ? { truncated } : {}),
      elapsedMs: Math.round((performance.now() - started) * 10) / 10,
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
