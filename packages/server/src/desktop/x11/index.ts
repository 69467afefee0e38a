export {
  DEFAULT_X11_CONNECT_TIMEOUT_MS,
  DEFAULT_X11_REQUEST_TIMEOUT_MS,
  X11Connection,
  type X11ClosedListener,
  type X11ConnectionOptions,
} from './x11-connection.js';
export {
  DEFAULT_BATCH_CHARS,
  DEFAULT_REBIND_AFTER_MS,
  X11Keyboard,
  type X11KeyboardOptions,
} from './x11-keyboard.js';
export { KEYSYM, NAMED_KEY_KEYSYMS, keysymForChar, keysymForNamedKey } from './keysyms.js';
