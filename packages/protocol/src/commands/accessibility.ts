import { z } from 'zod';
import { BoundsSchema, EmptySchema, PointSchema, SizeSchema, WindowIdSchema } from './common.js';
import { defineCommand } from './define.js';

/** Text (a field's content) or a number (a slider's); described apart so the schema says anyOf. */
const ElementValueSchema = z.union([
  z.string().describe('Text of an editable or text element.'),
  z.number().describe('Current value of a slider, spin button or progress bar.'),
]);

/** An element id handed out by `get_accessibility_tree` / `find_element`, stable for the server. */
export const ElementIdSchema = z
  .string()
  .min(1)
  .describe('An element id from get_accessibility_tree or find_element (e.g. "e12").');

export const AccessibilityScopeSchema = z
  .enum(['focused', 'window', 'pid', 'all'])
  .describe(
    'Which part of the desktop: the focused window (default), the window `window_id`, the ' +
      'windows of process `pid`, or every application (can be huge).',
  );
export type AccessibilityScope = z.infer<typeof AccessibilityScopeSchema>;

/** Where to look, shared by the tree and the search. Extensions: upstream sends none of these. */
const ScopeParamsSchema = z.object({
  scope: AccessibilityScopeSchema.optional(),
  window_id: WindowIdSchema.optional().describe('Implies scope "window".'),
  pid: z.number().int().positive().optional().describe('Implies scope "pid".'),
  max_depth: z
    .number()
    .int()
    .min(0)
    .max(200)
    .default(60)
    .describe('Levels below the scope root; deeper nodes are left out.'),
  visible_only: z
    .boolean()
    .default(true)
    .describe('Leave out what is not on screen (hidden, off-screen, collapsed).'),
  max_nodes: z
    .number()
    .int()
    .min(1)
    .max(20_000)
    .default(3000)
    .describe('Stop reading after this many nodes (`truncated` says so).'),
  timeout_ms: z
    .number()
    .int()
    .min(50)
    .max(30_000)
    .default(3000)
    .describe('Stop reading after this long (`truncated` says so); a hung app cannot block.'),
});

/** One element: upstream's `role`/`title`/`value`/`position`/`size`, plus ids, states, bounds. */
export const AccessibleElementSchema = z.object({
  id: ElementIdSchema,
  role: z.string().describe('AT-SPI role name, e.g. "push button", "entry", "frame".'),
  name: z.string(),
  title: z.string().describe('The same as name (upstream field).'),
  description: z.string().optional(),
  value: ElementValueSchema.optional(),
  states: z.array(z.string()).describe('e.g. focused, enabled, visible, showing, checked.'),
  bounds: BoundsSchema.optional().describe('Screen pixels, the space of move_cursor.'),
  position: PointSchema.optional(),
  size: SizeSchema.optional(),
  pid: z.number().int().optional(),
  window_id: z.number().int().optional().describe('The X window holding the element.'),
  child_count: z.number().int(),
});
export type AccessibleElement = z.infer<typeof AccessibleElementSchema>;

/**
 * A tree node as checked on the wire: `children` are nodes of the same shape. The check stops at
 * the top (JSON Schema without recursion), so `AccessibilityNode` gives the recursive type.
 */
export const AccessibilityNodeSchema = z.looseObject({
  ...AccessibleElementSchema.shape,
  children: z.array(z.unknown()),
});
export type AccessibilityNode = AccessibleElement & { children: AccessibilityNode[] };

export const GetAccessibilityTreeParamsSchema = ScopeParamsSchema.extend({
  format: z
    .enum(['json', 'text', 'both'])
    .default('both')
    .describe('`tree` (JSON), `text` (one indented line per node, with ids), or both.'),
});
export type GetAccessibilityTreeParams = z.input<typeof GetAccessibilityTreeParamsSchema>;

/**
 * Loose where upstream servers differ (Windows sends `{role,title,position,size,children}` nodes,
 * macOS no `tree` at all), so a client reads any server; ours sends `AccessibilityNodeSchema`.
 */
export const GetAccessibilityTreeResultSchema = z.looseObject({
  tree: z
    .unknown()
    .optional()
    .describe(
      'This server: an AccessibilityNode; absent when the scope holds nothing accessible ' +
        '(`note` says why) or format is "text".',
    ),
  text: z.string().optional().describe('One indented line per node, with ids.'),
  node_count: z.number().int().optional(),
  truncated: z
    .enum(['max_nodes', 'timeout'])
    .optional()
    .describe('Present when reading stopped early: the tree is partial.'),
  elapsed_ms: z.number().optional(),
  note: z.string().optional().describe('Why there is no tree, or why it is empty.'),
});

/** Loose for the same reason: macOS `element|null`, Android `found` and `elements`. */
export const FindElementResultSchema = z.looseObject({
  element: z.unknown().optional().describe('This server: the best match, an AccessibleElement.'),
  elements: z
    .array(z.unknown())
    .optional()
    .describe('This server: the best `limit` matches, best first.'),
});

export const FindElementParamsSchema = ScopeParamsSchema.extend({
  role: z.string().optional().describe('Role name; "button" matches "push button" and the like.'),
  title: z.string().optional().describe('Exact name (any case) first, then a substring.'),
  value: z.string().optional(),
  name: z
    .string()
    .optional()
    .describe('Substring of the name (any case), or a regular expression written as /re/flags.'),
  states: z.array(z.string()).optional().describe('States every match must have.'),
  limit: z.number().int().min(1).max(500).default(1),
});
export type FindElementParams = z.input<typeof FindElementParamsSchema>;

const ElementParamsSchema = z.object({ id: ElementIdSchema });

export const SetElementValueParamsSchema = z.object({
  id: ElementIdSchema,
  value: ElementValueSchema.describe('Text for an editable field, number for a slider.'),
});
export type SetElementValueParams = z.input<typeof SetElementValueParamsSchema>;

export const accessibilityCommands = {
  get_accessibility_tree: defineCommand({
    group: 'accessibility',
    kind: 'read',
    description:
      'The accessibility tree (AT-SPI on Linux) of the focused window, a window, a process or ' +
      'the desktop: roles, names, states, values, screen bounds and an id per element.',
    params: GetAccessibilityTreeParamsSchema,
    result: GetAccessibilityTreeResultSchema,
  }),
  find_element: defineCommand({
    group: 'accessibility',
    kind: 'read',
    description: 'Find the UI element that best matches role, title, value, name or states.',
    params: FindElementParamsSchema,
    result: FindElementResultSchema,
  }),
  get_element: defineCommand({
    group: 'accessibility',
    kind: 'read',
    description: 'One element by id, read afresh, with its actions and text.',
    params: ElementParamsSchema,
    result: z.object({
      element: AccessibleElementSchema.extend({
        actions: z.array(z.string()),
        text: z.string().optional(),
      }),
    }),
    extension: true,
  }),
  click_element: defineCommand({
    group: 'accessibility',
    kind: 'input',
    description:
      "Press an element: its default action when it has one, else a click at its bounds' centre.",
    params: ElementParamsSchema,
    result: z.object({
      method: z.enum(['action', 'pointer']),
      action: z.string().optional(),
      position: PointSchema.optional(),
    }),
    extension: true,
  }),
  focus_element: defineCommand({
    group: 'accessibility',
    kind: 'effect',
    description: 'Give an element the keyboard focus.',
    params: ElementParamsSchema,
    result: EmptySchema,
    extension: true,
  }),
  set_element_value: defineCommand({
    group: 'accessibility',
    kind: 'effect',
    description:
      "Replace an editable field's text, or set a slider's or spin box's number (fields " +
      'without editable text, as in Chromium, are focused and typed into).',
    params: SetElementValueParamsSchema,
    result: z.object({ value: ElementValueSchema }),
    extension: true,
  }),
};
