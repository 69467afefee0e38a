// Generated from the result schemas of @cua/computer-protocol by result-shapes.test.ts.
// Do not edit: after a protocol change run `pnpm exec vitest run --project client -u`.
import type { CommandName } from '@cua/computer-protocol';
import type { Shape } from './shape.js';

const EMPTY: Shape = { type: 'object', properties: {}, additionalProperties: false };

export const RESULT_SHAPES: { readonly [N in CommandName]: Shape } = {
  version: {
    type: 'object',
    properties: {
      protocol: { type: 'integer' },
      package: { type: 'string' },
      features: { type: 'array', items: { type: 'string' } },
    },
    required: ['protocol', 'package'],
    additionalProperties: false,
  },
  diorama_cmd: { type: 'object', properties: { result: {} }, additionalProperties: false },
  get_accessibility_tree: { type: 'object', properties: { tree: {} }, additionalProperties: {} },
  find_element: { type: 'object', properties: { element: {} }, additionalProperties: {} },
  run_command: {
    type: 'object',
    properties: {
      stdout: { type: 'string' },
      stderr: { type: 'string' },
      return_code: { type: 'integer' },
      truncated: { type: 'boolean' },
    },
    required: ['stdout', 'stderr', 'return_code'],
    additionalProperties: false,
  },
  file_exists: {
    type: 'object',
    properties: { exists: { type: 'boolean' } },
    required: ['exists'],
    additionalProperties: false,
  },
  directory_exists: {
    type: 'object',
    properties: { exists: { type: 'boolean' } },
    required: ['exists'],
    additionalProperties: false,
  },
  list_dir: {
    type: 'object',
    properties: { files: { type: 'array', items: { type: 'string' } } },
    required: ['files'],
    additionalProperties: false,
  },
  read_text: {
    type: 'object',
    properties: { content: { type: 'string' } },
    required: ['content'],
    additionalProperties: false,
  },
  write_text: EMPTY,
  read_bytes: {
    type: 'object',
    properties: { content_b64: { type: 'string' } },
    required: ['content_b64'],
    additionalProperties: false,
  },
  write_bytes: EMPTY,
  get_file_size: {
    type: 'object',
    properties: { size: { type: 'integer' } },
    required: ['size'],
    additionalProperties: false,
  },
  delete_file: EMPTY,
  create_dir: EMPTY,
  delete_dir: EMPTY,
  get_desktop_environment: {
    type: 'object',
    properties: { environment: { type: 'string' } },
    required: ['environment'],
    additionalProperties: false,
  },
  set_wallpaper: EMPTY,
  open: EMPTY,
  launch: {
    type: 'object',
    properties: { pid: { type: 'integer' } },
    required: ['pid'],
    additionalProperties: false,
  },
  get_current_window_id: {
    type: 'object',
    properties: { window_id: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'integer' }] } },
    required: ['window_id'],
    additionalProperties: false,
  },
  get_application_windows: {
    type: 'object',
    properties: {
      windows: {
        type: 'array',
        items: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'integer' }] },
      },
    },
    required: ['windows'],
    additionalProperties: false,
  },
  get_window_name: {
    type: 'object',
    properties: { name: { type: 'string' } },
    required: ['name'],
    additionalProperties: false,
  },
  get_window_size: {
    type: 'object',
    properties: { width: { type: 'integer' }, height: { type: 'integer' } },
    required: ['width', 'height'],
    additionalProperties: false,
  },
  get_window_position: {
    type: 'object',
    properties: { x: { type: 'integer' }, y: { type: 'integer' } },
    required: ['x', 'y'],
    additionalProperties: false,
  },
  set_window_size: EMPTY,
  set_window_position: EMPTY,
  maximize_window: EMPTY,
  minimize_window: EMPTY,
  activate_window: EMPTY,
  close_window: EMPTY,
  get_active_window_bounds: {
    type: 'object',
    properties: {
      bounds: {
        type: 'object',
        properties: {
          x: { type: 'number' },
          y: { type: 'number' },
          width: { type: 'number' },
          height: { type: 'number' },
        },
        required: ['x', 'y', 'width', 'height'],
        additionalProperties: false,
      },
    },
    required: ['bounds'],
    additionalProperties: false,
  },
  mouse_down: EMPTY,
  mouse_up: EMPTY,
  left_click: EMPTY,
  right_click: EMPTY,
  double_click: EMPTY,
  move_cursor: EMPTY,
  drag_to: EMPTY,
  drag: EMPTY,
  middle_click: EMPTY,
  key_down: EMPTY,
  key_up: EMPTY,
  type_text: EMPTY,
  press_key: EMPTY,
  hotkey: EMPTY,
  scroll: EMPTY,
  scroll_down: EMPTY,
  scroll_up: EMPTY,
  scroll_direction: EMPTY,
  screenshot: {
    type: 'object',
    properties: {
      image_data: { type: 'string' },
      format: { type: 'string', enum: ['png', 'jpeg', 'webp'] },
      width: { type: 'integer' },
      height: { type: 'integer' },
      scale: { type: 'number' },
    },
    required: ['image_data', 'format'],
    additionalProperties: false,
  },
  get_cursor_position: {
    type: 'object',
    properties: {
      position: {
        type: 'object',
        properties: { x: { type: 'number' }, y: { type: 'number' } },
        required: ['x', 'y'],
        additionalProperties: false,
      },
    },
    required: ['position'],
    additionalProperties: false,
  },
  get_screen_size: {
    type: 'object',
    properties: {
      size: {
        type: 'object',
        properties: { width: { type: 'number' }, height: { type: 'number' } },
        required: ['width', 'height'],
        additionalProperties: false,
      },
      scale_factor: { type: 'number' },
      monitors: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            x: { type: 'number' },
            y: { type: 'number' },
            width: { type: 'number' },
            height: { type: 'number' },
            name: { type: 'string' },
            primary: { type: 'boolean' },
          },
          required: ['x', 'y', 'width', 'height', 'name', 'primary'],
          additionalProperties: false,
        },
      },
    },
    required: ['size'],
    additionalProperties: false,
  },
  to_screen_coordinates: {
    type: 'object',
    properties: {
      coordinates: {
        type: 'array',
        prefixItems: [{ type: 'number' }, { type: 'number' }],
        items: false,
      },
    },
    required: ['coordinates'],
    additionalProperties: false,
  },
  to_screenshot_coordinates: {
    type: 'object',
    properties: {
      coordinates: {
        type: 'array',
        prefixItems: [{ type: 'number' }, { type: 'number' }],
        items: false,
      },
    },
    required: ['coordinates'],
    additionalProperties: false,
  },
  copy_to_clipboard: {
    type: 'object',
    properties: { content: { type: 'string' } },
    required: ['content'],
    additionalProperties: false,
  },
  set_clipboard: EMPTY,
};
