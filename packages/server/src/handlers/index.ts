import { filesHandlers } from './files.js';
import { metaHandlers } from './meta.js';
import { DEFAULT_MAX_OUTPUT_BYTES, shellHandlers } from './shell.js';
import type { HandlerTable } from './types.js';
import { unsupportedHandlers } from './unsupported.js';

const NOT_YET = 'this server does not implement it yet';

export interface CreateHandlersOptions {
  /** run_command keeps this much of each of stdout and stderr; default 10 MiB. */
  maxOutputBytes?: number;
}

/** The dispatch table: every command of the protocol registry, real or honestly unsupported. */
export function createHandlers(options: CreateHandlersOptions = {}): HandlerTable {
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
    ...unsupportedHandlers(
      [
        'mouse_down',
        'mouse_up',
        'left_click',
        'right_click',
        'double_click',
        'move_cursor',
        'drag_to',
        'drag',
        'middle_click',
      ],
      NOT_YET,
    ),
    ...unsupportedHandlers(['key_down', 'key_up', 'type_text', 'press_key', 'hotkey'], NOT_YET),
    ...unsupportedHandlers(['scroll', 'scroll_down', 'scroll_up', 'scroll_direction'], NOT_YET),
    ...unsupportedHandlers(
      [
        'screenshot',
        'get_cursor_position',
        'get_screen_size',
        'to_screen_coordinates',
        'to_screenshot_coordinates',
      ],
      NOT_YET,
    ),
    ...unsupportedHandlers(['copy_to_clipboard', 'set_clipboard'], NOT_YET),
  };
}
