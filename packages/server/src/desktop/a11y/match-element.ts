import type { AccessibilityNode, AccessibleElement } from '@cua/computer-protocol';
import { CommandError } from '../../core/command-error.js';

export interface ElementQuery {
  role?: string | undefined;
  title?: string | undefined;
  value?: string | undefined;
  name?: string | undefined;
  states?: string[] | undefined;
}

/** The words other platforms use for a role, mapped to AT-SPI's role names. */
const ROLE_SYNONYMS: Record<string, string[]> = {
  button: ['push button', 'toggle button', 'push button menu'],
  checkbox: ['check box', 'check menu item'],
  radio: ['radio button', 'radio menu item'],
  radiobutton: ['radio button', 'radio menu item'],
  textbox: ['entry', 'text', 'password text', 'editbar'],
  textfield: ['entry', 'text', 'password text', 'editbar'],
  textarea: ['text', 'entry'],
  edit: ['entry', 'text', 'password text', 'editbar'],
  input: ['entry', 'text', 'password text'],
  // GTK 3 calls an entry "text", Chromium calls a text input "entry".
  entry: ['text', 'password text', 'editbar'],
  text: ['entry'],
  searchbox: ['entry'],
  window: ['frame', 'window', 'dialog'],
  menuitem: ['menu item', 'check menu item', 'radio menu item'],
  combobox: ['combo box'],
  popupbutton: ['combo box', 'push button menu'],
  tab: ['page tab'],
  tablist: ['page tab list'],
  listitem: ['list item'],
  cell: ['table cell'],
  row: ['table row'],
  image: ['image', 'icon'],
  statictext: ['label', 'static', 'text'],
  group: ['grouping', 'panel', 'section', 'filler'],
  document: ['document web', 'document frame', 'document text'],
  hyperlink: ['link'],
};

/** `Push_Button`, `pushbutton`, `AXButton` → comparable words. */
function normaliseRole(role: string): string {
  const word = role.toLowerCase().replace(/[^a-z]/g, '');
  return word.startsWith('ax') && word.length > 3 ? word.slice(2) : word;
}

export function roleMatches(query: string, role: string): boolean {
  const wanted = normaliseRole(query);
  if (normaliseRole(role) === wanted) return true;
  return (ROLE_SYNONYMS[wanted] ?? []).includes(role);
}

/** A name pattern: `/re/flags` is a regular expression, anything else a substring (any case). */
export function namePattern(pattern: string): (name: string) => boolean {
  const regex = /^\/(.+)\/([a-z]*)$/s.exec(pattern);
  if (regex) {
    let compiled: RegExp;
    try {
      compiled = new RegExp(regex[1]!, regex[2]);
    } catch (err) {
      throw new CommandError(
        'invalid_params',
        `name is not a valid regular expression: ${String(err)}`,
      );
    }
    return (name) => compiled.test(name);
  }
  const needle = pattern.toLowerCase();
  return (name) => name.toLowerCase().includes(needle);
}

/** 3 exact (any case), 2 prefix, 1 substring, 0 no match. */
function textScore(wanted: string, actual: string): number {
  const a = actual.trim().toLowerCase();
  const w = wanted.trim().toLowerCase();
  if (a === w) return 3;
  if (w !== '' && a.startsWith(w)) return 2;
  if (w !== '' && a.includes(w)) return 1;
  return 0;
}

const normaliseState = (state: string) => state.toLowerCase().replace(/[-\s]/g, '_');

/**
 * Scores every node of a tree against a query; undefined for a node that does not match.
 * Ties go to what an agent most likely means: showing and enabled first, then tree order.
 */
export function matchElements(
  tree: AccessibilityNode,
  query: ElementQuery,
  limit: number,
): { matches: AccessibleElement[]; searched: number } {
  const byName = query.name !== undefined ? namePattern(query.name) : undefined;
  const states = (query.states ?? []).map(normaliseState);
  const scored: Array<{ element: AccessibleElement; score: number; order: number }> = [];
  let order = 0;
  const visit = (node: AccessibilityNode) => {
    order++;
    const score = scoreOf(node, query, byName, states);
    if (score !== undefined) {
      const { children: _children, ...element } = node;
      scored.push({ element, score, order });
    }
    for (const child of node.children) visit(child);
  };
  visit(tree);
  scored.sort((a, b) => b.score - a.score || a.order - b.order);
  return { matches: scored.slice(0, limit).map((entry) => entry.element), searched: order };
}

function scoreOf(
  node: AccessibilityNode,
  query: ElementQuery,
  byName: ((name: string) => boolean) | undefined,
  states: string[],
): number | undefined {
  let score = 0;
  if (query.role !== undefined) {
    if (!roleMatches(query.role, node.role)) return undefined;
    score += 3;
  }
  if (query.title !== undefined) {
    const s = textScore(query.title, node.name);
    if (s === 0) return undefined;
    score += s;
  }
  if (query.value !== undefined) {
    const s = node.value === undefined ? 0 : textScore(query.value, String(node.value));
    if (s === 0) return undefined;
    score += s;
  }
  if (byName && !byName(node.name)) return undefined;
  if (states.some((state) => !node.states.includes(state))) return undefined;
  if (node.states.includes('showing')) score += 0.5;
  if (node.states.includes('enabled') || node.states.includes('sensitive')) score += 0.25;
  return score;
}

export function describeQuery(query: ElementQuery): string {
  const parts = Object.entries(query)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  return parts.length > 0 ? parts.join(', ') : 'no criteria';
}
