import { normalizeKey, type CommandResult, type NormalizedKey } from '@cua/computer-protocol';
import { CommandError } from '../../core/command-error.js';
import type { Desktop } from '../desktop.js';
import { ATSPI_INTERFACES, type AtspiClient, type NodeRef } from './atspi-client.js';
import { stateNames } from './atspi-enums.js';
import type { ElementIds } from './element-ids.js';
import { readElement, type ReadElement } from './read-element.js';
import { refKey } from './resolve-scope.js';

/** Action names that mean "press it", best first; others are used only when they are alone. */
const PRESS_ACTIONS = ['click', 'press', 'activate', 'jump', 'toggle', 'open', 'select'];
/** Activating a text field means Enter, not a click in it: those get a real click. */
const TEXT_ROLES = new Set(['entry', 'text', 'password text', 'editbar', 'terminal']);
/** Chromium moves the focus and updates text asynchronously, after the call has answered. */
const FOCUS_WAIT_MS = 1000;
const READ_BACK_WAIT_MS = 1000;
/** get_element's text is for reading; a document's worth is beyond one reply. */
const ELEMENT_TEXT_CHARS = 10_000;

export interface ElementTarget {
  ref: NodeRef;
  id: string;
}

/** The object behind an id, alive: unknown and stale ids are `not_found`, clearly apart. */
export async function resolveElement(
  client: AtspiClient,
  ids: ElementIds,
  id: string,
): Promise<ElementTarget> {
  const ref = ids.refOf(id);
  if (!ref) {
    throw new CommandError(
      'not_found',
      `Unknown element id "${id}": ids come from get_accessibility_tree or find_element on this ` +
        'server (and the oldest are forgotten after 100000)',
    );
  }
  let states: string[];
  try {
    states = stateNames(await client.state(ref));
  } catch {
    throw staleError(id);
  }
  if (states.includes('defunct')) throw staleError(id);
  return { ref, id };
}

function staleError(id: string): CommandError {
  return new CommandError(
    'not_found',
    `Element ${id} is stale: it no longer exists (its window closed or the UI changed); ` +
      'read the tree again for a current id',
  );
}

function describe(read: ReadElement): string {
  return `${read.element.id} (${read.element.role}${read.element.name ? ` "${read.element.name}"` : ''})`;
}

/** The window of an element: the ancestor whose parent is the application. */
async function topLevelOf(client: AtspiClient, ref: NodeRef): Promise<NodeRef | undefined> {
  // element → … → window → application → desktop (the registry's root)
  const chain: NodeRef[] = [ref];
  for (let depth = 0; depth < 100; depth++) {
    const parent = await client.parent(chain.at(-1)!).catch(() => undefined);
    if (!parent) break;
    chain.push(parent);
  }
  return chain.length >= 3 ? chain[chain.length - 3] : undefined;
}

export async function getElement(
  client: AtspiClient,
  ids: ElementIds,
  id: string,
  windowIds: Map<string, number>,
): Promise<CommandResult<'get_element'>> {
  const { ref } = await resolveElement(client, ids, id);
  const top = await topLevelOf(client, ref);
  const windowId = top ? windowIds.get(refKey(top)) : undefined;
  const [read, interfaces] = await Promise.all([
    readElement(client, ids, ref, windowId !== undefined ? { windowId } : {}, {
      withChildren: false,
    }),
    client.interfaces(ref).catch((): string[] => []),
  ]);
  const actions = interfaces.includes(ATSPI_INTERFACES.action)
    ? await client.actions(ref).catch((): string[] => [])
    : [];
  const text = interfaces.includes(ATSPI_INTERFACES.text)
    ? await client.text(ref, ELEMENT_TEXT_CHARS).catch(() => undefined)
    : undefined;
  return { element: { ...read.element, actions, ...(text !== undefined ? { text } : {}) } };
}

function pressActionIndex(actions: string[]): number | undefined {
  const names = actions.map((name) => name.toLowerCase());
  for (const wanted of PRESS_ACTIONS) {
    const index = names.indexOf(wanted);
    if (index >= 0) return index;
  }
  return actions.length === 1 ? 0 : undefined;
}

/**
 * The element's default action when it has one (no pointer, works on covered windows), else a
 * real left click at the centre of its bounds through the desktop.
 */
export async function clickElement(
  client: AtspiClient,
  ids: ElementIds,
  desktop: Desktop,
  id: string,
): Promise<CommandResult<'click_element'>> {
  const { ref } = await resolveElement(client, ids, id);
  const [read, interfaces] = await Promise.all([
    readElement(client, ids, ref, {}, { withChildren: false }),
    client.interfaces(ref).catch((): string[] => []),
  ]);
  if (!TEXT_ROLES.has(read.element.role) && interfaces.includes(ATSPI_INTERFACES.action)) {
    const actions = await client.actions(ref).catch((): string[] => []);
    const index = pressActionIndex(actions);
    if (index !== undefined && (await client.doAction(ref, index).catch(() => false))) {
      return { method: 'action', action: actions[index]! };
    }
  }
  const bounds = read.element.bounds;
  if (!bounds || bounds.width <= 0 || bounds.height <= 0) {
    throw new CommandError(
      'command_failed',
      `${describe(read)} has no action to press and no bounds on screen to click`,
    );
  }
  const position = {
    x: Math.round(bounds.x + bounds.width / 2),
    y: Math.round(bounds.y + bounds.height / 2),
  };
  await desktop.move(position.x, position.y);
  await desktop.click('left', 1);
  return { method: 'pointer', position };
}

export async function focusElement(
  client: AtspiClient,
  ids: ElementIds,
  id: string,
): Promise<CommandResult<'focus_element'>> {
  const { ref } = await resolveElement(client, ids, id);
  const focused = await client.grabFocus(ref).catch(() => false);
  if (!focused) {
    const read = await readElement(client, ids, ref, {}, { withChildren: false });
    throw new CommandError(
      'command_failed',
      `${describe(read)} did not take the focus` +
        (read.states.has('focusable') ? '' : ' (it is not focusable)'),
    );
  }
  return {};
}

/** The field's text once it shows `text` (Chromium updates it a moment later), else as it is. */
async function readBack(client: AtspiClient, ref: NodeRef, text: string): Promise<string> {
  const deadline = Date.now() + READ_BACK_WAIT_MS;
  for (;;) {
    const now = await client.text(ref, Math.max(text.length, 1) + 100).catch(() => text);
    if (now === text || Date.now() > deadline) return now;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const key = (input: string): NormalizedKey => normalizeKey(input)!;

/**
 * Types into a field that only has Text: the field must hold the focus before a key is sent,
 * or the keys would land in whatever window is active.
 */
async function typeInto(
  client: AtspiClient,
  desktop: Desktop,
  read: ReadElement,
  text: string,
): Promise<string> {
  await client.grabFocus(read.ref).catch(() => false);
  const focused = await waitForFocus(client, read.ref);
  if (!focused) {
    throw new CommandError(
      'command_failed',
      `${describe(read)} did not take the focus, so nothing was typed (is its window active?)`,
    );
  }
  await desktop.hotkey([key('ctrl'), key('a')]);
  if (text === '') await desktop.pressKey(key('delete'));
  else await desktop.typeText(text);
  return readBack(client, read.ref, text);
}

async function waitForFocus(client: AtspiClient, ref: NodeRef): Promise<boolean> {
  const deadline = Date.now() + FOCUS_WAIT_MS;
  for (;;) {
    const states = stateNames(await client.state(ref).catch(() => []));
    if (states.includes('focused')) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Text through EditableText (replacing all of it), numbers through Value; read back after. */
export async function setElementValue(
  client: AtspiClient,
  ids: ElementIds,
  desktop: Desktop,
  id: string,
  value: string | number,
): Promise<CommandResult<'set_element_value'>> {
  const { ref } = await resolveElement(client, ids, id);
  const interfaces = await client.interfaces(ref).catch((): string[] => []);
  if (
    interfaces.includes(ATSPI_INTERFACES.value) &&
    !interfaces.includes(ATSPI_INTERFACES.editableText)
  ) {
    const number = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(number)) {
      throw new CommandError(
        'invalid_params',
        `element ${id} takes a number, not ${JSON.stringify(value)}`,
      );
    }
    await client.setCurrentValue(ref, number);
    return { value: (await client.currentValue(ref)) ?? number };
  }
  if (interfaces.includes(ATSPI_INTERFACES.editableText)) {
    const text = String(value);
    const done = await client.setTextContents(ref, text).catch(() => false);
    if (!done) {
      throw new CommandError('command_failed', `element ${id} refused the text (read-only?)`);
    }
    return { value: await readBack(client, ref, text) };
  }
  const read = await readElement(client, ids, ref, {}, { withChildren: false });
  if (interfaces.includes(ATSPI_INTERFACES.text) && read.states.has('editable')) {
    // Chromium's fields have no EditableText: focus, select all, type, as a person would. This
    // types on the desktop outside the input queue (set_element_value is not an input command).
    return { value: await typeInto(client, desktop, read, String(value)) };
  }
  throw new CommandError(
    'invalid_params',
    `${describe(read)} takes no value: it has neither editable text nor a numeric value`,
  );
}
