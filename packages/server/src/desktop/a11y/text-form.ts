import type { AccessibilityNode } from '@cua/computer-protocol';

/** States worth a word in the text form; the rest (enabled, visible, showing…) are the norm. */
const SHOWN_STATES = [
  'focused',
  'active',
  'checked',
  'indeterminate',
  'selected',
  'pressed',
  'expanded',
  'collapsed',
  'editable',
  'read_only',
  'required',
  'invalid_entry',
  'modal',
  'busy',
];

const quote = (text: string, max: number) =>
  JSON.stringify(text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** One line for one node: `[e12] push button "OK" @410,300 80x30 {focused} = "text"`. */
export function nodeLine(node: Omit<AccessibilityNode, 'children'>): string {
  const parts = [`[${node.id}]`, node.role];
  if (node.name) parts.push(quote(node.name, 80));
  if (node.bounds) {
    const { x, y, width, height } = node.bounds;
    parts.push(`@${x},${y} ${width}x${height}`);
  }
  const states = SHOWN_STATES.filter((state) => node.states.includes(state));
  const sensitive = node.states.includes('enabled') || node.states.includes('sensitive');
  const needsEnabled = !['application', 'desktop frame'].includes(node.role);
  if (needsEnabled && !sensitive) states.push('disabled');
  if (states.length > 0) parts.push(`{${states.join(',')}}`);
  if (node.value !== undefined && node.value !== '') {
    parts.push(`= ${typeof node.value === 'number' ? node.value : quote(node.value, 80)}`);
  }
  if (node.window_id !== undefined && ['frame', 'window', 'dialog'].includes(node.role)) {
    parts.push(`(window 0x${node.window_id.toString(16)}, pid ${node.pid ?? '?'})`);
  } else if (node.role === 'application' && node.pid !== undefined) {
    parts.push(`(pid ${node.pid})`);
  }
  return parts.join(' ');
}

/**
 * The tree as an LLM reads it best: one line per node, two spaces of indent per level, ids in
 * brackets to act on. Unnamed filler containers with one child are kept (their ids still work)
 * but cost a line only.
 */
export function textForm(tree: AccessibilityNode): string {
  const lines: string[] = [];
  const visit = (node: AccessibilityNode, depth: number) => {
    lines.push(`${'  '.repeat(depth)}${nodeLine(node)}`);
    for (const child of node.children) visit(child, depth + 1);
  };
  visit(tree, 0);
  return lines.join('\n');
}
