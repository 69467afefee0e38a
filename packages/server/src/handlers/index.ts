import { createDesktop } from '../desktop/create-desktop.js';
import type { Desktop } from '../desktop/desktop.js';
import { clipboardHandlers } from './clipboard.js';
import { filesHandlers } from './files.js';
import { keyboardHandlers } from './keyboard.js';
import { metaHandlers } from './meta.js';
import { mouseHandlers } from './mouse.js';
import { screenHandlers } from './screen.js';
import { scrollHandlers } from './scroll.js';
import { DEFAULT_MAX_OUTPUT_BYTES, shellHandlers } from './shell.js';
import type { HandlerTable } from './types.js';
import { unsupportedHandlers } from './unsupported.js';

const NOT_YET = 'this server does not implement it yet';

export interface CreateHandlersOptions {
  /** run_command keeps this much of each of stdout and stderr; default 10 MiB. */
  maxOutputBytes?: number;
  /** Screen, mouse, keyboard and clipboard; by default this machine's, on `DISPLAY`. */
  desktop?: Desktop;
}

/** The dispatch table: every command of the protocol registry, real or honestly unsupported. */
export function createHandlers(options: CreateHandlersOptions = {}): HandlerTable {
  // Creating a desktop starts nothing: its worker and X connections open on first use.
  const desktop = options.desktop ?? createDesktop({ display: process.env.DISPLAY });
  return {
    ...metaHandlers(),
    ...unsupportedHandlers(['diorama_cmd'], 'diorama is a macOS-only upstream feature'),
    ...unsupportedHandlers(['get_accessibility_tree', 'find_element'], NOT_YET),
    ...shellHandlers({ maxOutputBytes: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES }),
    ...filesHandlers(),
    ...unsupportedHandlers(['get_desktop_environment', 'set_wallpaper'], NOT_YET),
    ...unsupportedHandlers(
      [
        'open',
        'launch',
        'get_current_window_id',
        'get_application_windows',
        'get_window_name',
        'get_window_size',
        'get_window_position',
        'set_window_size',
        'set_window_position',
        'maximize_window',
        'minimize_window',
        'activate_window',
        'close_window',
        'get_active_window_bounds',
      ],
      NOT_YET,
    ),
    ...mouseHandlers(desktop),
    ...keyboardHandlers(desktop),
    ...scrollHandlers(desktop),
    ...screenHandlers(desktop),
    ...clipboardHandlers(desktop),
  };
}
