import type { AccessibleElement } from '@cua/computer-protocol';
import { REGISTRY_ROOT, type AtspiClient, type Extents, type NodeRef } from './atspi-client.js';
import { roleName, stateNames } from './atspi-enums.js';
import type { ElementIds } from './element-ids.js';

const APP_ROOT_PATH = '/org/a11y/atspi/accessible/root';

/** Roles whose value is a number (AT-SPI Value interface). */
const NUMERIC_ROLES = new Set([
  'slider',
  'scroll bar',
  'spin button',
  'progress bar',
  'level bar',
  'dial',
]);
/** Roles whose value is their text; password fields are left out on purpose. */
const TEXT_ROLES = new Set(['entry', 'text', 'editbar', 'autocomplete']);
/** A value in the tree is a hint, not the document: longer text is cut here. */
export const TREE_TEXT_CHARS = 200;

export interface ElementContext {
  pid?: number;
  windowId?: number;
}

export interface ReadElement {
  ref: NodeRef;
  element: AccessibleElement;
  states: ReadonlySet<string>;
  /** Filled when the read asked for them (one call saved per leaf otherwise). */
  children?: NodeRef[];
}

export interface ReadOptions {
  /** Also list the children, in the same round trip. */
  withChildren: boolean;
  /** Characters of text to read as the value of text roles. */
  textChars?: number;
}

/** Bounds in screen pixels, or undefined for objects that are nowhere (GTK gives -1 or 0 sizes). */
export function usableBounds(extents: Extents | undefined): Extents | undefined {
  if (!extents) return undefined;
  if (extents.width <= 0 && extents.height <= 0) return undefined;
  if (extents.x <= -(2 ** 30) || extents.y <= -(2 ** 30)) return undefined;
  return extents;
}

/**
 * Everything the tree shows about one object, read with all calls in flight at once: one round
 * trip to the app, whatever the number of calls.
 */
export async function readElement(
  client: AtspiClient,
  ids: ElementIds,
  ref: NodeRef,
  context: ElementContext,
  options: ReadOptions,
): Promise<ReadElement> {
  const [basics, role, stateWords, extents, children, pid] = await Promise.all([
    client.basics(ref),
    client.role(ref),
    client.state(ref),
    // An app's root (always this path) is no component; asking makes GTK log a warning.
    ref.path === APP_ROOT_PATH ? undefined : client.extents(ref),
    options.withChildren ? client.children(ref) : undefined,
    // The registry's root is the desktop, no process's UI.
    context.pid ?? (ref.bus === REGISTRY_ROOT.bus ? undefined : client.pidOf(ref.bus)),
  ]);
  const roleText = roleName(role);
  const states = stateNames(stateWords);
  const value = await readValue(client, ref, roleText, options.textChars ?? TREE_TEXT_CHARS);
  const bounds = usableBounds(extents);
  const element: AccessibleElement = {
    id: ids.idOf(ref),
    role: roleText,
    name: basics.name,
    title: basics.name,
    ...(basics.description ? { description: basics.description } : {}),
    ...(value !== undefined ? { value } : {}),
    states,
    ...(bounds
      ? {
          bounds,
          position: { x: bounds.x, y: bounds.y },
          size: { width: bounds.width, height: bounds.height },
        }
      : {}),
    ...(pid !== undefined ? { pid } : {}),
    ...(context.windowId !== undefined ? { window_id: context.windowId } : {}),
    child_count: children?.length ?? basics.childCount,
  };
  return { ref, element, states: new Set(states), ...(children ? { children } : {}) };
}

async function readValue(
  client: AtspiClient,
  ref: NodeRef,
  role: string,
  textChars: number,
): Promise<string | number | undefined> {
  try {
    if (NUMERIC_ROLES.has(role)) return await client.currentValue(ref);
    if (TEXT_ROLES.has(role)) {
      // '' is worth saying: an empty field.
      return await client.text(ref, textChars);
    }
  } catch {
    // No Value or Text interface after all: the role alone promised one.
  }
  return undefined;
}
