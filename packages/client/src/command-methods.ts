import type { CommandName } from '@cua/computer-protocol';
import type { Computer } from './computer.js';

/** Names of the Computer methods that run a command (not connect, close or the generic call). */
export type CommandMethodName = Exclude<
  {
    [K in keyof Computer]: Computer[K] extends (...args: infer _Args) => Promise<unknown>
      ? K
      : never;
  }[keyof Computer],
  'connect' | 'close' | 'call'
>;

/**
 * The Computer method for each command of the registry. Typed against both sides: a command
 * added to the protocol without a method here, or a method name that does not exist, does not
 * compile. `read_text` and `write_text` are served through `read_bytes`/`write_bytes`, as
 * upstream clients do; `call('read_text', …)` reaches the wire command itself.
 */
export const COMMAND_METHODS = {
  version: 'version',
  diorama_cmd: 'dioramaCmd',
  get_accessibility_tree: 'getAccessibilityTree',
  find_element: 'findElement',
  get_element: 'getElement',
  click_element: 'clickElement',
  focus_element: 'focusElement',
  set_element_value: 'setElementValue',
  run_command: 'runCommand',
  file_exists: 'fileExists',
  directory_exists: 'directoryExists',
  list_dir: 'listDir',
  read_text: 'readText',
  write_text: 'writeText',
  read_bytes: 'readBytes',
  write_bytes: 'writeBytes',
  get_file_size: 'getFileSize',
  delete_file: 'deleteFile',
  create_dir: 'createDir',
  delete_dir: 'deleteDir',
  get_desktop_environment: 'getDesktopEnvironment',
  set_wallpaper: 'setWallpaper',
  open: 'open',
  launch: 'launch',
  get_current_window_id: 'getCurrentWindowId',
  get_application_windows: 'getApplicationWindows',
  get_window_name: 'getWindowName',
  get_window_size: 'getWindowSize',
  get_window_position: 'getWindowPosition',
  set_window_size: 'setWindowSize',
  set_window_position: 'setWindowPosition',
  maximize_window: 'maximizeWindow',
  minimize_window: 'minimizeWindow',
  activate_window: 'activateWindow',
  close_window: 'closeWindow',
  get_active_window_bounds: 'getActiveWindowBounds',
  mouse_down: 'mouseDown',
  mouse_up: 'mouseUp',
  left_click: 'leftClick',
  right_click: 'rightClick',
  double_click: 'doubleClick',
  move_cursor: 'moveCursor',
  drag_to: 'dragTo',
  drag: 'drag',
  middle_click: 'middleClick',
  key_down: 'keyDown',
  key_up: 'keyUp',
  type_text: 'typeText',
  press_key: 'pressKey',
  hotkey: 'hotkey',
  scroll: 'scroll',
  scroll_down: 'scrollDown',
  scroll_up: 'scrollUp',
  scroll_direction: 'scrollDirection',
  screenshot: 'screenshot',
  get_cursor_position: 'getCursorPosition',
  get_screen_size: 'getScreenSize',
  to_screen_coordinates: 'toScreenCoordinates',
  to_screenshot_coordinates: 'toScreenshotCoordinates',
  copy_to_clipboard: 'copyToClipboard',
  set_clipboard: 'setClipboard',
  observe: 'observe',
  batch: 'batch',
  start_recording: 'startRecording',
  stop_recording: 'stopRecording',
  subscribe_frames: 'subscribeFrames',
  unsubscribe_frames: 'unsubscribeFrames',
  take_control: 'takeControl',
  release_control: 'releaseControl',
  start_trace: 'startTrace',
  stop_trace: 'stopTrace',
} as const satisfies { readonly [N in CommandName]: CommandMethodName };
