/**
 * AT-SPI's role and state numbers (atspi-constants.h, at-spi2-core 2.46), by index. Roles come
 * over D-Bus as numbers; reading them from this table saves a GetRoleName call per node.
 */
// prettier-ignore
export const ROLE_NAMES: readonly string[] = [
  'invalid', 'accelerator label', 'alert', 'animation', 'arrow', 'calendar', 'canvas',
  'check box', 'check menu item', 'color chooser', 'column header', 'combo box', 'date editor',
  'desktop icon', 'desktop frame', 'dial', 'dialog', 'directory pane', 'drawing area',
  'file chooser', 'filler', 'focus traversable', 'font chooser', 'frame', 'glass pane',
  'html container', 'icon', 'image', 'internal frame', 'label', 'layered pane', 'list',
  'list item', 'menu', 'menu bar', 'menu item', 'option pane', 'page tab', 'page tab list',
  'panel', 'password text', 'popup menu', 'progress bar', 'push button', 'radio button',
  'radio menu item', 'root pane', 'row header', 'scroll bar', 'scroll pane', 'separator',
  'slider', 'spin button', 'split pane', 'status bar', 'table', 'table cell',
  'table column header', 'table row header', 'tearoff menu item', 'terminal', 'text',
  'toggle button', 'tool bar', 'tool tip', 'tree', 'tree table', 'unknown', 'viewport', 'window',
  'extended', 'header', 'footer', 'paragraph', 'ruler', 'application', 'autocomplete', 'editbar',
  'embedded', 'entry', 'chart', 'caption', 'document frame', 'heading', 'page', 'section',
  'redundant object', 'form', 'link', 'input method window', 'table row', 'tree item',
  'document spreadsheet', 'document presentation', 'document text', 'document web',
  'document email', 'comment', 'list box', 'grouping', 'image map', 'notification', 'info bar',
  'level bar', 'title bar', 'block quote', 'audio', 'video', 'definition', 'article', 'landmark',
  'log', 'marquee', 'math', 'rating', 'timer', 'static', 'math fraction', 'math root',
  'subscript', 'superscript', 'description list', 'description term', 'description value',
  'footnote', 'content deletion', 'content insertion', 'mark', 'suggestion', 'push button menu',
];

/** State bit n of GetState's two 32-bit words; names as AT-SPI's nicks, `-` written `_`. */
// prettier-ignore
export const STATE_NAMES: readonly string[] = [
  'invalid', 'active', 'armed', 'busy', 'checked', 'collapsed', 'defunct', 'editable', 'enabled',
  'expandable', 'expanded', 'focusable', 'focused', 'has_tooltip', 'horizontal', 'iconified',
  'modal', 'multi_line', 'multiselectable', 'opaque', 'pressed', 'resizable', 'selectable',
  'selected', 'sensitive', 'showing', 'single_line', 'stale', 'transient', 'vertical', 'visible',
  'manages_descendants', 'indeterminate', 'required', 'truncated', 'animated', 'invalid_entry',
  'supports_autocompletion', 'selectable_text', 'is_default', 'visited', 'checkable', 'has_popup',
  'read_only',
];

export function roleName(role: number): string {
  return ROLE_NAMES[role] ?? 'unknown';
}

/** The names of the set bits of GetState's `au` (two words, bit n of word n / 32). */
export function stateNames(words: readonly number[]): string[] {
  const names: string[] = [];
  words.forEach((word, index) => {
    for (let bit = 0; bit < 32; bit++) {
      if ((word >>> bit) & 1)
        names.push(STATE_NAMES[index * 32 + bit] ?? `state_${index * 32 + bit}`);
    }
  });
  return names;
}
