import type { CommandsOfGroup } from '@cua/computer-protocol';
import type { Accessibility } from '../desktop/a11y/index.js';
import type { Handler } from './types.js';

export type AccessibilityHandlers = { [N in CommandsOfGroup<'accessibility'>]: Handler<N> };

/** Upstream's tree and search and our element actions (docs/protocol.md, Commands), on AT-SPI. */
export function accessibilityHandlers(accessibility: Accessibility): AccessibilityHandlers {
  return {
    get_accessibility_tree: (params, ctx) => accessibility.tree(params, ctx.signal),
    find_element: (params, ctx) => accessibility.find(params, ctx.signal),
    get_element: ({ id }) => accessibility.getElement(id),
    click_element: ({ id }) => accessibility.clickElement(id),
    focus_element: ({ id }) => accessibility.focusElement(id),
    set_element_value: ({ id, value }) => accessibility.setElementValue(id, value),
  };
}
