import { COMMAND_NAMES, type CommandName } from '@cua/computer-protocol';
import { COMMAND_METHODS, Computer, ComputerError, type CommandResult } from '@cua/computer-client';
import type { HandlerTable, RunningServer } from '@cua/computer-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handlersWith, startServer } from './helpers/server.js';

/** What each stand-in handler answers: valid results, so every method's conversion is seen. */
const RESULTS: { [N in CommandName]: CommandResult<N> } = {
  version: { protocol: 1, package: 'stand-in', features: ['request-id'] },
  diorama_cmd: { result: { ok: 1 } },
  get_accessibility_tree: { tree: { role: 'Window' } },
  find_element: { element: { role: 'button' } },
  get_element: {
    element: {
      id: 'e1',
      role: 'push button',
      name: 'OK',
      title: 'OK',
      states: ['enabled'],
      child_count: 0,
      actions: ['click'],
    },
  },
  click_element: { method: 'action', action: 'click' },
  focus_element: {},
  set_element_value: { value: 'typed' },
  run_command: { stdout: 'o', stderr: 'e', return_code: 2, truncated: true },
  file_exists: { exists: true },
  directory_exists: { exists: false },
  list_dir: { files: ['a', 'b'] },
  read_text: { content: 'wire text' },
  write_text: {},
  read_bytes: { content_b64: 'AQID' },
  write_bytes: {},
  get_file_size: { size: 3 },
  delete_file: {},
  create_dir: {},
  delete_dir: {},
  get_desktop_environment: { environment: 'openbox' },
  set_wallpaper: {},
  open: {},
  launch: { pid: 42 },
  get_current_window_id: { window_id: 123 },
  get_application_windows: { windows: [1, '0x2'] },
  get_window_name: { name: 'xterm' },
  get_window_size: { width: 640, height: 480 },
  get_window_position: { x: 5, y: 6 },
  set_window_size: {},
  set_window_position: {},
  maximize_window: {},
  minimize_window: {},
  activate_window: {},
  close_window: {},
  get_active_window_bounds: { bounds: { x: 1, y: 2, width: 3, height: 4 } },
  mouse_down: {},
  mouse_up: {},
  left_click: {},
  right_click: {},
  double_click: {},
  move_cursor: {},
  drag_to: {},
  drag: {},
  middle_click: {},
  key_down: {},
  key_up: {},
  type_text: {},
  press_key: {},
  hotkey: {},
  scroll: {},
  scroll_down: {},
  scroll_up: {},
  scroll_direction: {},
  screenshot: { image_data: 'iVBORw0KGgo=', format: 'png', width: 2, height: 1, scale: 0.5 },
  get_cursor_position: { position: { x: 7, y: 8 } },
  get_screen_size: { size: { width: 1280, height: 800 }, scale_factor: 2 },
  to_screen_coordinates: { coordinates: [10, 20] },
  to_screenshot_coordinates: { coordinates: [5, 10] },
  copy_to_clipboard: { content: 'clip' },
  set_clipboard: {},
  observe: {
    image_data: 'iVBORw0KGgo=',
    format: 'png',
    width: 2,
    height: 1,
    scale: 0.5,
    settled: true,
    settle_ms: 12,
    changed: true,
  },
  batch: { results: [{ success: true }, { success: true }] },
  start_recording: { path: '/tmp/r.mp4', width: 640, height: 400, fps: 15 },
  stop_recording: {
    path: '/tmp/r.mp4',
    width: 640,
    height: 400,
    fps: 15,
    frames: 30,
    late_frames: 0,
    repeated_frames: 1,
    duration_s: 2,
    bytes: 1234,
    reason: 'stopped',
  },
  subscribe_frames: { frames: 0 },
  unsubscribe_frames: { stopped: 1 },
  take_control: {},
  release_control: {},
  start_trace: { path: '/tmp/t' },
  stop_trace: { path: '/tmp/t', viewer: '/tmp/t/index.html', actions: 3 },
};

/** The defaults the server fills in for the accessibility scope params. */
const SCOPE_DEFAULTS = { max_depth: 60, visible_only: true, max_nodes: 3000, timeout_ms: 3000 };
const TREE_DEFAULTS = { ...SCOPE_DEFAULTS, format: 'both' };

const PNG_SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** RESULTS.observe as the client hands it over. */
const OBSERVATION = {
  data: PNG_SIGNATURE,
  format: 'png',
  width: 2,
  height: 1,
  scale: 0.5,
  settled: true,
  settleMs: 12,
  changed: true,
};

interface Case {
  /** The call as a user writes it. */
  run: (computer: Computer) => Promise<unknown>;
  /** What the server's handlers received, in order: params after validation and defaults. */
  calls: [CommandName, Record<string, unknown>][];
  returns: unknown;
}

const CASES: Record<string, Case> = {
  'version()': { run: (c) => c.version(), calls: [['version', {}]], returns: RESULTS.version },
  "dioramaCmd('screenshot', {app_list})": {
    run: (c) => c.dioramaCmd('screenshot', { app_list: ['Safari'] }),
    calls: [['diorama_cmd', { action: 'screenshot', arguments: { app_list: ['Safari'] } }]],
    returns: { ok: 1 },
  },
  'getAccessibilityTree()': {
    run: (c) => c.getAccessibilityTree(),
    calls: [['get_accessibility_tree', TREE_DEFAULTS]],
    returns: { tree: { role: 'Window' } },
  },
  "getAccessibilityTree({ scope: 'all', format: 'text' })": {
    run: (c) => c.getAccessibilityTree({ scope: 'all', format: 'text', timeoutMs: 5000 }),
    calls: [['get_accessibility_tree', { ...TREE_DEFAULTS, scope: 'all', format: 'text' }]],
    returns: { tree: { role: 'Window' } },
  },
  "findElement({ role: 'button' })": {
    run: (c) => c.findElement({ role: 'button' }),
    calls: [['find_element', { ...SCOPE_DEFAULTS, limit: 1, role: 'button' }]],
    returns: { element: { role: 'button' } },
  },
  "getElement('e1')": {
    run: (c) => c.getElement('e1'),
    calls: [['get_element', { id: 'e1' }]],
    returns: RESULTS.get_element,
  },
  "clickElement('e1')": {
    run: (c) => c.clickElement('e1'),
    calls: [['click_element', { id: 'e1' }]],
    returns: { method: 'action', action: 'click' },
  },
  "focusElement('e1')": {
    run: (c) => c.focusElement('e1'),
    calls: [['focus_element', { id: 'e1' }]],
    returns: undefined,
  },
  "setElementValue('e1', 'typed')": {
    run: (c) => c.setElementValue('e1', 'typed'),
    calls: [['set_element_value', { id: 'e1', value: 'typed' }]],
    returns: 'typed',
  },
  "runCommand('ls', { timeout: 3 })": {
    run: (c) => c.runCommand('ls', { timeout: 3 }),
    calls: [['run_command', { command: 'ls', timeout: 3 }]],
    returns: { stdout: 'o', stderr: 'e', returnCode: 2, truncated: true },
  },
  "fileExists('/f')": {
    run: (c) => c.fileExists('/f'),
    calls: [['file_exists', { path: '/f' }]],
    returns: true,
  },
  "directoryExists('/d')": {
    run: (c) => c.directoryExists('/d'),
    calls: [['directory_exists', { path: '/d' }]],
    returns: false,
  },
  "listDir('/d')": {
    run: (c) => c.listDir('/d'),
    calls: [['list_dir', { path: '/d' }]],
    returns: ['a', 'b'],
  },
  "readText('/t')": {
    run: (c) => c.readText('/t'),
    calls: [
      ['get_file_size', { path: '/t' }],
      ['read_bytes', { path: '/t', offset: 0 }],
    ],
    returns: '\u0001\u0002\u0003',
  },
  "writeText('/t', 'hé')": {
    run: (c) => c.writeText('/t', 'hé'),
    calls: [['write_bytes', { path: '/t', content_b64: 'aMOp', append: false }]],
    returns: undefined,
  },
  "call('read_text') and call('write_text') reach the wire commands": {
    run: async (c) => [
      await c.call('read_text', { path: '/t' }),
      await c.call('write_text', { path: '/t', content: 'x' }),
    ],
    calls: [
      ['read_text', { path: '/t' }],
      ['write_text', { path: '/t', content: 'x' }],
    ],
    returns: [{ content: 'wire text' }, {}],
  },
  "readBytes('/b', { offset: 1, length: 3 })": {
    run: (c) => c.readBytes('/b', { offset: 1, length: 3 }),
    calls: [['read_bytes', { path: '/b', offset: 1, length: 3 }]],
    returns: new Uint8Array([1, 2, 3]),
  },
  "writeBytes('/b', [1,2,3], { append: true })": {
    run: (c) => c.writeBytes('/b', new Uint8Array([1, 2, 3]), { append: true }),
    calls: [['write_bytes', { path: '/b', content_b64: 'AQID', append: true }]],
    returns: undefined,
  },
  "getFileSize('/f')": {
    run: (c) => c.getFileSize('/f'),
    calls: [['get_file_size', { path: '/f' }]],
    returns: 3,
  },
  "deleteFile('/f')": {
    run: (c) => c.deleteFile('/f'),
    calls: [['delete_file', { path: '/f' }]],
    returns: undefined,
  },
  "createDir('/d')": {
    run: (c) => c.createDir('/d'),
    calls: [['create_dir', { path: '/d' }]],
    returns: undefined,
  },
  "deleteDir('/d')": {
    run: (c) => c.deleteDir('/d'),
    calls: [['delete_dir', { path: '/d' }]],
    returns: undefined,
  },
  'getDesktopEnvironment()': {
    run: (c) => c.getDesktopEnvironment(),
    calls: [['get_desktop_environment', {}]],
    returns: 'openbox',
  },
  "setWallpaper('/w.png')": {
    run: (c) => c.setWallpaper('/w.png'),
    calls: [['set_wallpaper', { path: '/w.png' }]],
    returns: undefined,
  },
  "open('https://example.com')": {
    run: (c) => c.open('https://example.com'),
    calls: [['open', { target: 'https://example.com' }]],
    returns: undefined,
  },
  "launch('xterm', ['-e', 'top'])": {
    run: (c) => c.launch('xterm', ['-e', 'top']),
    calls: [['launch', { app: 'xterm', args: ['-e', 'top'] }]],
    returns: 42,
  },
  "launch('xterm -e top', { timeoutMs })": {
    run: (c) => c.launch('xterm -e top', { timeoutMs: 5000 }),
    calls: [['launch', { app: 'xterm -e top' }]],
    returns: 42,
  },
  'getCurrentWindowId()': {
    run: (c) => c.getCurrentWindowId(),
    calls: [['get_current_window_id', {}]],
    returns: 123,
  },
  "getApplicationWindows('term')": {
    run: (c) => c.getApplicationWindows('term'),
    calls: [['get_application_windows', { app: 'term' }]],
    returns: [1, '0x2'],
  },
  'getWindowName(1)': {
    run: (c) => c.getWindowName(1),
    calls: [['get_window_name', { window_id: 1 }]],
    returns: 'xterm',
  },
  "getWindowSize('0x1')": {
    run: (c) => c.getWindowSize('0x1'),
    calls: [['get_window_size', { window_id: '0x1' }]],
    returns: { width: 640, height: 480 },
  },
  'getWindowPosition(1)': {
    run: (c) => c.getWindowPosition(1),
    calls: [['get_window_position', { window_id: 1 }]],
    returns: { x: 5, y: 6 },
  },
  'setWindowSize(1, 640, 480)': {
    run: (c) => c.setWindowSize(1, 640, 480),
    calls: [['set_window_size', { window_id: 1, width: 640, height: 480 }]],
    returns: undefined,
  },
  'setWindowPosition(1, -5, 10)': {
    run: (c) => c.setWindowPosition(1, -5, 10),
    calls: [['set_window_position', { window_id: 1, x: -5, y: 10 }]],
    returns: undefined,
  },
  'maximizeWindow(1)': {
    run: (c) => c.maximizeWindow(1),
    calls: [['maximize_window', { window_id: 1 }]],
    returns: undefined,
  },
  'minimizeWindow(1)': {
    run: (c) => c.minimizeWindow(1),
    calls: [['minimize_window', { window_id: 1 }]],
    returns: undefined,
  },
  'activateWindow(1)': {
    run: (c) => c.activateWindow(1),
    calls: [['activate_window', { window_id: 1 }]],
    returns: undefined,
  },
  'closeWindow(1)': {
    run: (c) => c.closeWindow(1),
    calls: [['close_window', { window_id: 1 }]],
    returns: undefined,
  },
  'getActiveWindowBounds()': {
    run: (c) => c.getActiveWindowBounds(),
    calls: [['get_active_window_bounds', {}]],
    returns: { x: 1, y: 2, width: 3, height: 4 },
  },
  'mouseDown()': {
    run: (c) => c.mouseDown(),
    calls: [['mouse_down', { button: 'left' }]],
    returns: undefined,
  },
  "mouseDown('right')": {
    run: (c) => c.mouseDown('right'),
    calls: [['mouse_down', { button: 'right' }]],
    returns: undefined,
  },
  "mouseUp(1, 2, 'middle')": {
    run: (c) => c.mouseUp(1, 2, 'middle'),
    calls: [['mouse_up', { x: 1, y: 2, button: 'middle' }]],
    returns: undefined,
  },
  'leftClick()': { run: (c) => c.leftClick(), calls: [['left_click', {}]], returns: undefined },
  'leftClick(3, 4)': {
    run: (c) => c.leftClick(3, 4),
    calls: [['left_click', { x: 3, y: 4 }]],
    returns: undefined,
  },
  'rightClick(3, 4, { timeoutMs })': {
    run: (c) => c.rightClick(3, 4, { timeoutMs: 5000 }),
    calls: [['right_click', { x: 3, y: 4 }]],
    returns: undefined,
  },
  'doubleClick({ timeoutMs })': {
    run: (c) => c.doubleClick({ timeoutMs: 5000 }),
    calls: [['double_click', {}]],
    returns: undefined,
  },
  'middleClick(3, 4)': {
    run: (c) => c.middleClick(3, 4),
    calls: [['middle_click', { x: 3, y: 4 }]],
    returns: undefined,
  },
  'moveCursor(1.6, 2.4) lands on whole pixels': {
    run: (c) => c.moveCursor(1.6, 2.4),
    calls: [['move_cursor', { x: 2, y: 2 }]],
    returns: undefined,
  },
  'dragTo(5, 6)': {
    run: (c) => c.dragTo(5, 6),
    calls: [['drag_to', { x: 5, y: 6, button: 'left', duration: 0.5 }]],
    returns: undefined,
  },
  "drag([[1, 2], {x: 3, y: 4}], { button: 'right', duration: 0 })": {
    run: (c) => c.drag([[1, 2], { x: 3, y: 4 }], { button: 'right', duration: 0 }),
    calls: [
      [
        'drag',
        {
          path: [
            [1, 2],
            [3, 4],
          ],
          button: 'right',
          duration: 0,
        },
      ],
    ],
    returns: undefined,
  },
  // Handlers get keys as the schema normalised them.
  "keyDown('shift')": {
    run: (c) => c.keyDown('shift'),
    calls: [['key_down', { key: { kind: 'named', name: 'shift' } }]],
    returns: undefined,
  },
  "keyUp('shift')": {
    run: (c) => c.keyUp('shift'),
    calls: [['key_up', { key: { kind: 'named', name: 'shift' } }]],
    returns: undefined,
  },
  "typeText('hé 世\\n')": {
    run: (c) => c.typeText('hé 世\n'),
    calls: [['type_text', { text: 'hé 世\n' }]],
    returns: undefined,
  },
  "pressKey('enter')": {
    run: (c) => c.pressKey('enter'),
    calls: [['press_key', { key: { kind: 'named', name: 'enter' } }]],
    returns: undefined,
  },
  "hotkey('ctrl', 'c')": {
    run: (c) => c.hotkey('ctrl', 'c'),
    calls: [
      [
        'hotkey',
        {
          keys: [
            { kind: 'named', name: 'ctrl' },
            { kind: 'char', char: 'c' },
          ],
        },
      ],
    ],
    returns: undefined,
  },
  "hotkey('ctrl+shift+t', { timeoutMs })": {
    run: (c) => c.hotkey('ctrl+shift+t', { timeoutMs: 5000 }),
    calls: [
      [
        'hotkey',
        {
          keys: [
            { kind: 'named', name: 'ctrl' },
            { kind: 'named', name: 'shift' },
            { kind: 'char', char: 't' },
          ],
        },
      ],
    ],
    returns: undefined,
  },
  'scroll(0, -3)': {
    run: (c) => c.scroll(0, -3),
    calls: [['scroll', { x: 0, y: -3 }]],
    returns: undefined,
  },
  'scrollDown()': {
    run: (c) => c.scrollDown(),
    calls: [['scroll_down', { clicks: 1 }]],
    returns: undefined,
  },
  'scrollUp(4)': {
    run: (c) => c.scrollUp(4),
    calls: [['scroll_up', { clicks: 4 }]],
    returns: undefined,
  },
  "scrollDirection('left', 2)": {
    run: (c) => c.scrollDirection('left', 2),
    calls: [['scroll_direction', { direction: 'left', clicks: 2 }]],
    returns: undefined,
  },
  'observe({ quietMs: 50, maxWidth: 640 })': {
    run: (c) => c.observe({ quietMs: 50, maxWidth: 640 }, { timeoutMs: 5000 }),
    calls: [
      ['observe', { format: 'png', quality: 95, quiet_ms: 50, timeout_ms: 3000, max_width: 640 }],
    ],
    returns: OBSERVATION,
  },
  "leftClick(3, 4, { observe: { quietMs: 200, format: 'jpeg' } })": {
    run: (c) => c.leftClick(3, 4, { observe: { quietMs: 200, format: 'jpeg' } }),
    calls: [
      [
        'left_click',
        { x: 3, y: 4, observe: { format: 'jpeg', quality: 95, quiet_ms: 200, timeout_ms: 3000 } },
      ],
    ],
    // The stand-in answers without an observation.
    returns: undefined,
  },
  'batch([leftClick, typeText], { observe: true })': {
    run: (c) =>
      c.batch(
        [
          { command: 'left_click', params: { x: 1, y: 2 } },
          { command: 'type_text', params: { text: 'a' } },
        ],
        { observe: true, stopOnError: false },
      ),
    calls: [
      [
        'batch',
        {
          actions: [
            { command: 'left_click', params: { x: 1, y: 2 } },
            { command: 'type_text', params: { text: 'a' } },
          ],
          stop_on_error: false,
          observe: { format: 'png', quality: 95, quiet_ms: 100, timeout_ms: 3000 },
        },
      ],
    ],
    returns: { results: [{ success: true }, { success: true }] },
  },
  'startRecording({ path, fps: 10, withCursor: false })': {
    run: (c) => c.startRecording({ path: '/tmp/r.mp4', fps: 10, withCursor: false }),
    calls: [
      [
        'start_recording',
        { path: '/tmp/r.mp4', fps: 10, scale: 1, with_cursor: false, max_duration_s: 3600 },
      ],
    ],
    returns: RESULTS.start_recording,
  },
  'stopRecording()': {
    run: (c) => c.stopRecording(),
    calls: [['stop_recording', {}]],
    returns: RESULTS.stop_recording,
  },
  "subscribeFrames({ onFrame, format: 'png', fps: 5 })": {
    run: (c) => c.subscribeFrames({ onFrame: () => undefined, format: 'png', fps: 5 }),
    calls: [['subscribe_frames', { format: 'png', quality: 70, fps: 5 }]],
    returns: { frames: 0 },
  },
  'unsubscribeFrames()': {
    run: (c) => c.unsubscribeFrames(),
    calls: [['unsubscribe_frames', {}]],
    returns: { stopped: 1 },
  },
  'takeControl() and releaseControl()': {
    run: async (c) => {
      await c.takeControl();
      return c.releaseControl();
    },
    calls: [
      ['take_control', {}],
      ['release_control', {}],
    ],
    returns: undefined,
  },
  'startTrace({ path }) and stopTrace() (as tracing.start/stop)': {
    run: async (c) => {
      await c.startTrace({ path: '/tmp/t' });
      return c.tracing.stop();
    },
    calls: [
      ['start_trace', { path: '/tmp/t', video: true }],
      ['stop_trace', {}],
    ],
    returns: RESULTS.stop_trace,
  },
  'screenshot()': {
    run: (c) => c.screenshot(),
    calls: [['screenshot', { format: 'png', quality: 95 }]],
    returns: { data: PNG_SIGNATURE, format: 'png', width: 2, height: 1, scale: 0.5 },
  },
  "screenshot({ format: 'jpeg', quality: 50, maxWidth: 640, region })": {
    run: (c) =>
      c.screenshot({
        format: 'jpeg',
        quality: 50,
        maxWidth: 640,
        region: { x: 0, y: 0, width: 10, height: 10 },
      }),
    calls: [
      [
        'screenshot',
        {
          format: 'jpeg',
          quality: 50,
          max_width: 640,
          region: { x: 0, y: 0, width: 10, height: 10 },
        },
      ],
    ],
    returns: { data: PNG_SIGNATURE, format: 'png', width: 2, height: 1, scale: 0.5 },
  },
  'getCursorPosition()': {
    run: (c) => c.getCursorPosition(),
    calls: [['get_cursor_position', {}]],
    returns: { x: 7, y: 8 },
  },
  'getScreenSize()': {
    run: (c) => c.getScreenSize(),
    calls: [['get_screen_size', {}]],
    returns: { width: 1280, height: 800, scaleFactor: 2 },
  },
  'toScreenCoordinates(5, 10, { scale: 0.5 })': {
    run: (c) => c.toScreenCoordinates(5, 10, { scale: 0.5 }),
    calls: [['to_screen_coordinates', { x: 5, y: 10, scale: 0.5 }]],
    returns: [10, 20],
  },
  'toScreenshotCoordinates(10, 20)': {
    run: (c) => c.toScreenshotCoordinates(10, 20),
    calls: [['to_screenshot_coordinates', { x: 10, y: 20 }]],
    returns: [5, 10],
  },
  'copyToClipboard() reads the clipboard': {
    run: (c) => c.copyToClipboard(),
    calls: [['copy_to_clipboard', {}]],
    returns: 'clip',
  },
  'getClipboard()': {
    run: (c) => c.getClipboard(),
    calls: [['copy_to_clipboard', {}]],
    returns: 'clip',
  },
  "setClipboard('x')": {
    run: (c) => c.setClipboard('x'),
    calls: [['set_clipboard', { text: 'x' }]],
    returns: undefined,
  },
};

const calls: [string, Record<string, unknown>][] = [];
let server: RunningServer;
let computer: Computer;

function recordingHandlers(): HandlerTable {
  const table: Record<string, unknown> = {};
  for (const name of COMMAND_NAMES) {
    table[name] = (params: Record<string, unknown>) => {
      calls.push([name, params]);
      return RESULTS[name];
    };
  }
  return table as HandlerTable;
}

beforeAll(async () => {
  server = await startServer({ handlers: recordingHandlers() });
  computer = new Computer({ url: server.url });
  await computer.connect();
});
afterAll(async () => {
  await computer.close();
  await server.close();
});
beforeEach(() => {
  calls.length = 0;
});

describe('every method, end to end through the real server (stand-in handlers)', () => {
  it.each(Object.entries(CASES))('%s', async (_, { run, calls: expected, returns }) => {
    expect(await run(computer)).toEqual(returns);
    expect(calls).toEqual(expected);
  });

  it('the cases reach every command of the registry, through its own method', () => {
    const reached = new Set(Object.values(CASES).flatMap((c) => c.calls.map(([name]) => name)));
    expect(COMMAND_NAMES.filter((name) => !reached.has(name))).toEqual([]);
    const titles = Object.keys(CASES).join('\n');
    const untested = COMMAND_NAMES.filter((name) => !titles.includes(`${COMMAND_METHODS[name]}(`));
    expect(untested).toEqual([]);
  });
});

describe('results are validated', () => {
  it('a reply that does not match the protocol is a ComputerError invalid_reply', async () => {
    const own = await startServer({
      handlers: handlersWith({
        get_screen_size: () => ({ size: { width: 'wide' } }) as never,
        screenshot: () => ({ image_data: 'not base64!', format: 'png' }),
      }),
    });
    const client = new Computer({ url: own.url });
    const shape = await client.getScreenSize().catch((e: unknown) => e);
    expect(ComputerError.isInstance(shape)).toBe(true);
    expect(shape).toMatchObject({
      code: 'invalid_reply',
      message: expect.stringContaining('size.width: expected a number, got string'),
    });
    const bytes = await client.screenshot().catch((e: unknown) => e);
    expect(bytes).toMatchObject({
      code: 'invalid_reply',
      message: expect.stringContaining('base64'),
    });
    await client.close();
    await own.close();
  });

  it('real run_command: non-zero exit is a result; a timeout fails, keeps output', async () => {
    const own = await startServer();
    const client = new Computer({ url: own.url });
    expect(await client.runCommand('echo hi; echo err >&2; exit 3')).toEqual({
      stdout: 'hi\n',
      stderr: 'err\n',
      returnCode: 3,
    });
    const error = await client
      .runCommand('echo early; sleep 5', { timeout: 0.2 })
      .catch((e: unknown) => e);
    expect(ComputerError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'timeout',
      command: 'run_command',
      reply: { success: false, return_code: -1, stderr: expect.stringContaining('timed out') },
    });
    await client.close();
    await own.close();
  });
});
