// Everything that talks D-Bus, loaded on first use (see accessibility.ts): a server that never
// reads an accessibility tree never loads the D-Bus library (about 14 MB of RSS).
export { AccessibilityBus } from './accessibility-bus.js';
export { AtspiClient } from './atspi-client.js';
export { clickElement, focusElement, getElement, setElementValue } from './element-actions.js';
export { resolveScope } from './resolve-scope.js';
export { walkTree } from './walk-tree.js';
