import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AUTH_MESSAGES, resolveCommandName, type CommandName } from '@cua/computer-protocol';
import type { RunningServer } from '@cua/computer-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWindow, startDesktop, x, type VirtualDisplay } from './helpers/desktop.js';
import { startServer } from './helpers/server.js';
import {
  RECORDING_FILES,
  headerValue,
  imageInfo,
  isWs,
  loadRecordings,
  rawHttp,
  startRecordedAuthService,
  unusedPort,
  withContentLength,
  WireClient,
  type AuthServiceCall,
  type HttpResponse,
  type Recorded,
  type RecordedHttp,
  type RecordedWs,
  type RecordingFile,
  type WireEvent,
} from './helpers/upstream-exchanges.js';

/**
 * Our SERVER against the real upstream server's recorded replies
 * (tests/fixtures/upstream-recordings): every recorded request goes to our server, on a real
 * port and a real Xvfb desktop set up like the recording's (640x400, openbox, a focused xterm
 * titled RecTerm), in the configuration that answered it (`local`, or cloud mode with container
 * `vm1` against the README's fake auth service, or that service down), and our reply is compared
 * with upstream's:
 *
 * - exactly: the reply's text (for /cmd its `data:` JSON, whose separators are not significant)
 *   once the extension fields below are taken out; the authentication frames byte for byte
 *   (AUTH_MESSAGES, no extension field allowed); for HTTP the status line, the key headers and
 *   the body;
 * - structurally, where values depend on the machine (MACHINE_VALUES): same keys, same JSON
 *   types, and every field but the machine's exactly (`success` included); screenshots also in
 *   the same image format and size;
 * - as a listed difference (DIFFERENCES, the one table of them): our reply must still be the one
 *   the table gives, and must still differ from upstream's, so the table cannot go stale;
 * - not at all (SKIPPED), with the reason in the test's name.
 *
 * Every reply of ours must also keep the protocol's MUSTs (docs/protocol.md, from upstream's contract) whatever the table says: `success` a
 * boolean and the first key, a non-empty `error` on every failure, the result fields of the
 * docs/protocol.md's command table on every success, and /cmd's single `data:` event.
 */

const SCRATCH_RECORDED = '/tmp/cua-rec/scratch';

/**
 * The extension rule, in one place: fields our replies may carry beyond upstream's, which no
 * upstream client reads (docs/protocol.md, Extensions).
 * They are taken out before a comparison, and only where upstream's reply lacks them.
 */
const EXTENSION_FIELDS = {
  /** The echo of a request's top-level `id`; only when the request carried one, and equal. */
  idEcho: 'id',
  /** On failures: the machine-readable `code`; an `error` where upstream sent none (a MUST). */
  failure: ['code', 'error'],
  /** Result fields of our extensions, per command. */
  result: {
    version: ['features'],
    get_screen_size: ['monitors', 'scale_factor'],
    screenshot: ['width', 'height', 'scale'],
    run_command: ['truncated'],
  } as Partial<Record<CommandName, readonly string[]>>,
  /** On HTTP refusals (`{"detail"}`): the `code`. */
  detail: ['code'],
} as const;

/** Reply fields upstream clients read (MUST) on a command's success, whatever the table. */
const REQUIRED_RESULT_FIELDS: Partial<Record<CommandName, readonly string[]>> = {
  version: ['protocol', 'package'],
  screenshot: ['image_data', 'format'],
  get_screen_size: ['size'],
  get_cursor_position: ['position'],
  run_command: ['stdout', 'stderr', 'return_code'],
  read_bytes: ['content_b64'],
  read_text: ['content'],
  list_dir: ['files'],
  file_exists: ['exists'],
  directory_exists: ['exists'],
  get_file_size: ['size'],
  copy_to_clipboard: ['content'],
  get_desktop_environment: ['environment'],
  get_current_window_id: ['window_id'],
  get_application_windows: ['windows'],
  get_window_name: ['name'],
  get_window_size: ['width', 'height'],
  get_window_position: ['x', 'y'],
  launch: ['pid'],
  // Not `tree` for get_accessibility_tree: a window that exposes nothing (the recorded xterm)
  // has no tree to give, and our reply says so in `note` (DIFFERENCES.get_accessibility_tree).
  find_element: ['element'],
};

/**
 * Exchanges whose values depend on the machine: compared structurally (keys, JSON types) and
 * all but the named fields exactly.
 */
interface MachineValues {
  fields: readonly string[];
  why: string;
}
const varying = (fields: readonly string[], why: string): MachineValues => ({ fields, why });
const MACHINE_VALUES_BY_COMMAND: Partial<Record<CommandName, MachineValues>> = {
  version: varying(['package'], 'the server’s own version'),
  launch: varying(['pid'], 'the process started'),
  screenshot: varying(['image_data'], 'the pixels; image format and size are compared'),
  get_desktop_environment: varying(
    ['environment'],
    'this machine’s desktop: openbox runs, which our detection sees and upstream’s did not',
  ),
};
const SCRATCH_LISTING = varying(
  ['files'],
  'the scratch folder holds every file’s fixtures, in file-system order',
);
const CWD = varying(['stdout'], 'it prints the server’s working directory');
const SIZE = varying(['width', 'height'], 'fonts and window-manager frame of this machine');
const POSITION = varying(['x', 'y'], 'fonts and window-manager frame of this machine');
const FEATURES = varying(['features'], 'the optional routes this server has');
const MACHINE_VALUES_BY_ID: Record<string, MachineValues> = {
  list_dir: SCRATCH_LISTING,
  'cmd.alias-ls': SCRATCH_LISTING,
  'run_command.shell-and-cwd': CWD,
  'extra.run_command-cwd-env': CWD,
  'cmd.no-params-key': varying(['position'], 'the pointer as the other files’ exchanges left it'),
  'pwc.get_window_size': SIZE,
  'pwc.get_window_position': POSITION,
  'pwc.get_window_size.after-set': SIZE,
  'pwc.get_window_position.after-set': POSITION,
  'pwc.get_window_size.after-maximize': SIZE,
  status: FEATURES,
  'http.cloud.status': FEATURES,
};

/** Exchanges that cannot be replayed here, and why. */
const PYWINCTL_ABSENT =
  'upstream’s `local` server lacked pywinctl, so it answered “pywinctl not available”: a missing ' +
  'library, not a behaviour (the pwc.* exchanges replay these commands with pywinctl)';
const SKIPPED: Record<string, string> = {
  get_current_window_id: PYWINCTL_ABSENT,
  get_application_windows: PYWINCTL_ABSENT,
  get_window_name: PYWINCTL_ABSENT,
  get_window_size: PYWINCTL_ABSENT,
  get_window_position: PYWINCTL_ABSENT,
  set_window_size: PYWINCTL_ABSENT,
  set_window_position: PYWINCTL_ABSENT,
  maximize_window: PYWINCTL_ABSENT,
  minimize_window: PYWINCTL_ABSENT,
  activate_window: PYWINCTL_ABSENT,
  close_window: PYWINCTL_ABSENT,
  'type.get_window_name-null': PYWINCTL_ABSENT,
};

// ---- The differences: where our server deliberately answers otherwise ----

/** A value of a difference's expected reply: a RegExp matches a string. */
type Spec = unknown;

interface Difference {
  why: string;
  /** Our reply frame (/ws), `data:` event (/cmd 200) or JSON body, as it must still be. */
  ours?: Spec;
  /** Our HTTP status. */
  status?: number;
  /** Our close of the WebSocket after the reply. */
  close?: { code: number; reason: Spec };
  /** Our requests to the auth service during the exchange (their count). */
  authCalls?: number;
  /** Our headers (name → value; `null`: absent). */
  headers?: Record<string, Spec>;
}

const PY_TEXT =
  'upstream’s error is a Python exception text, which the protocol (docs/protocol.md, Replies) does not ask us to ' +
  'reproduce; ours says what is wrong and carries a code';
const VALIDATED =
  'params are checked against the command’s schema and a wrong one is refused with ' +
  'invalid_params (docs/protocol.md, Requests); upstream hands it to the handler, which crashes ' +
  'with a Python text or goes on with the wrong value';
const ERRNO = 'the same file error without Python’s “[Errno N]” prefix, and with a code';
const SUGGEST =
  'our registry also holds extension commands, and names that contain the input come first ' +
  '(docs/protocol.md, Malformed requests), so “Did you mean” names other commands';
const EXTENSION_COMMAND =
  'upstream clients call it but upstream lacks it; we implement it (docs/protocol.md, Extensions)';
const AUTH_NOT_NEEDED =
  '`authenticate` when auth is off or already done is answered with success (docs/protocol.md SHOULD)';
const KEY_UNION =
  'we accept the protocol’s key-name union (docs/protocol.md): Enter and return press Enter';
const LOSSY_UTF8 =
  'bytes that are not UTF-8 are decoded as U+FFFD instead of failing the whole reply (docs/protocol.md, ' +
  'weakness 13)';
const CMD_MALFORMED =
  '/cmd refuses a malformed envelope before dispatch with 400 {detail, code} (docs/protocol.md, ' +
  'POST /cmd); upstream dispatched it and failed with 200 data:. Upstream’s Python client retries ' +
  'such a 400 over /ws, where it gets the failure frame';
const CMD_BAD_COMMAND =
  'upstream’s endpoint crashes on a non-string command (500 text/plain); ours refuses it with 400 ' +
  '“Command is required”';
const CMD_AUTH_FIRST =
  'credentials are checked from the headers before the body is read (docs/protocol.md, POST ' +
  '/cmd), so a request without them gets 401 where upstream first complained about the body';
const ORIGIN =
  'an Origin that is not allow-listed is refused with 403 on every route (docs/protocol.md, ' +
  'Browser origins); upstream lets any web page in, with credentials (one of its known weaknesses)';
const WINDOW_NOT_FOUND = 'our “Window not found” names the window, and carries a code';
const JS_JSON = /^Invalid JSON: \S/;
const NOT_AN_OBJECT = 'Request must be a JSON object like {"command": "version", "params": {}}';
const MISSING_COMMAND = 'Missing "command": the request must name a command as a non-empty string';
const ANY_STRING = /^/;

const failure = (code: string, error: Spec) => ({ success: false, error, code });
const invalid = (error: string) => failure('invalid_params', `Invalid params for ${error}`);
const at = (path: string) => `'${SCRATCH_RECORDED}/${path}'`;

const DIFFERENCES: Record<string, Difference> = {
  // ws-commands.jsonl
  diorama_cmd: {
    why: 'diorama is macOS-only upstream and we have it on no OS; our text says so, with a code',
    ours: failure(
      'unsupported',
      'diorama_cmd is not supported: diorama is a macOS-only upstream feature, and this server ' +
        'has it on no OS yet',
    ),
  },
  get_accessibility_tree: {
    why:
      'we read the real tree over AT-SPI (xterm exposes none, so there is nothing to read and ' +
      '`note` says why); upstream Linux returns a fixed placeholder window of 1920x1080',
    ours: { success: true, node_count: 0, elapsed_ms: 0, note: /is not on the accessibility bus/ },
  },
  find_element: {
    why:
      'we search the real tree and say what was not found in `error` (docs/protocol.md: every failure ' +
      'carries one); upstream Linux cannot search and answers with `message`',
    ours: failure('not_found', /^Element not found \(role="AXButton", title="OK"\): /),
  },
  'find_element.no-params': {
    why: 'as find_element',
    ours: failure('not_found', /^Element not found \(no criteria\): /),
  },
  set_wallpaper: {
    why:
      'we set the wallpaper of a bare X root; upstream knows only desktop environments and ' +
      'answers success:false',
    ours: { success: true },
  },
  'set_clipboard.int': {
    why: VALIDATED,
    ours: invalid('set_clipboard: text: Invalid input: expected string, received number'),
  },
  'copy_to_clipboard.after-int': {
    why: 'follows from set_clipboard.int: the clipboard still holds the text set before',
    ours: { success: true, content: 'clip ✓ é' },
  },

  // ws-failures.jsonl: malformed frames
  'json.invalid': { why: PY_TEXT, ours: failure('invalid_json', JS_JSON) },
  'json.empty-frame': { why: PY_TEXT, ours: failure('invalid_json', JS_JSON) },
  'json.truncated': { why: PY_TEXT, ours: failure('invalid_json', JS_JSON) },
  'json.single-quotes': { why: PY_TEXT, ours: failure('invalid_json', JS_JSON) },
  'json.trailing-data': { why: PY_TEXT, ours: failure('invalid_json', JS_JSON) },
  'json.array': { why: PY_TEXT, ours: failure('invalid_request', NOT_AN_OBJECT) },
  'json.array-of-command': { why: PY_TEXT, ours: failure('invalid_request', NOT_AN_OBJECT) },
  'json.string': { why: PY_TEXT, ours: failure('invalid_request', NOT_AN_OBJECT) },
  'json.number': { why: PY_TEXT, ours: failure('invalid_request', NOT_AN_OBJECT) },
  'json.null': { why: PY_TEXT, ours: failure('invalid_request', NOT_AN_OBJECT) },
  'json.true': { why: PY_TEXT, ours: failure('invalid_request', NOT_AN_OBJECT) },
  'frame.binary': {
    why: PY_TEXT,
    ours: failure(
      'invalid_request',
      'Binary frames are not supported: send each request as a JSON text frame',
    ),
  },
  'command.missing': { why: PY_TEXT, ours: failure('invalid_request', MISSING_COMMAND) },
  'command.missing-with-params': {
    why: PY_TEXT,
    ours: failure('invalid_request', MISSING_COMMAND),
  },
  'command.null': { why: PY_TEXT, ours: failure('invalid_request', MISSING_COMMAND) },
  'command.empty': {
    why: 'an empty command is a malformed request to us; upstream looks it up and suggests 5 names',
    ours: failure('invalid_request', MISSING_COMMAND),
  },
  'command.int': { why: PY_TEXT, ours: failure('invalid_request', MISSING_COMMAND) },
  'command.list': { why: PY_TEXT, ours: failure('invalid_request', MISSING_COMMAND) },
  'command.object': { why: PY_TEXT, ours: failure('invalid_request', MISSING_COMMAND) },
  'unknown.screen': {
    why: SUGGEST,
    ours: failure(
      'unknown_command',
      'Unknown command: screen. Did you mean: screenshot, get_screen_size, ' +
        'to_screen_coordinates, to_screenshot_coordinates, scroll?',
    ),
  },
  'unknown.SCREENSHOT': {
    why: SUGGEST,
    ours: failure(
      'unknown_command',
      'Unknown command: SCREENSHOT. Did you mean: screenshot, to_screenshot_coordinates, ' +
        'scroll, scroll_down, scroll_up?',
    ),
  },
  'unknown.clik': {
    why: SUGGEST,
    ours: failure(
      'unknown_command',
      'Unknown command: clik. Did you mean: click_element, close_window, click?',
    ),
  },
  'unknown.to_screen_coordinates': {
    why: EXTENSION_COMMAND,
    ours: { success: true, coordinates: [1, 2] },
  },
  'unknown.get_active_window_bounds': {
    why: EXTENSION_COMMAND,
    ours: {
      success: true,
      bounds: { x: Number, y: Number, width: Number, height: Number },
    },
  },
  'unknown.middle_click': { why: EXTENSION_COMMAND, ours: { success: true } },
  'unknown.authenticate-local': {
    why: AUTH_NOT_NEEDED,
    ours: { success: true, message: AUTH_MESSAGES.success },
  },
  'params.null': {
    why: PY_TEXT,
    ours: failure('invalid_request', 'params must be an object, not null'),
  },
  'params.list': {
    why: PY_TEXT,
    ours: failure('invalid_request', 'params must be an object, not an array'),
  },
  'params.string': {
    why: PY_TEXT,
    ours: failure('invalid_request', 'params must be an object, not string'),
  },
  'params.int': {
    why: PY_TEXT,
    ours: failure('invalid_request', 'params must be an object, not number'),
  },

  // ws-failures.jsonl: wrong param types
  'type.move_cursor-strings': {
    why: VALIDATED,
    ours: invalid(
      'move_cursor: x: Invalid input: expected number, received string; ' +
        'y: Invalid input: expected number, received string',
    ),
  },
  'type.left_click-strings': {
    why: VALIDATED,
    ours: invalid(
      'left_click: x: Invalid input: expected number, received string; ' +
        'y: Invalid input: expected number, received string',
    ),
  },
  'type.run_command-timeout-string': {
    why: VALIDATED,
    ours: invalid('run_command: timeout: Invalid input: expected number, received string'),
  },
  'type.run_command-command-int': {
    why: VALIDATED,
    ours: invalid('run_command: command: Invalid input: expected string, received number'),
  },
  'type.run_command-command-null': {
    why: VALIDATED,
    ours: invalid('run_command: command: required'),
  },
  'type.screenshot-format-int': {
    why: VALIDATED,
    ours: invalid('screenshot: format: Invalid input: expected string, received number'),
  },
  'type.screenshot-format-gif': {
    why: VALIDATED,
    ours: invalid('screenshot: format: Invalid option: expected one of "png"|"jpeg"|"jpg"|"webp"'),
  },
  'type.screenshot-quality-string': {
    why: VALIDATED,
    ours: invalid('screenshot: quality: Invalid input: expected number, received string'),
  },
  'type.screenshot-png-quality-string': {
    why: VALIDATED,
    ours: invalid('screenshot: quality: Invalid input: expected number, received string'),
  },
  'type.type_text-int': {
    why: VALIDATED,
    ours: invalid('type_text: text: Invalid input: expected string, received number'),
  },
  'type.type_text-null': { why: VALIDATED, ours: invalid('type_text: text: required') },
  'type.press_key-int': {
    why: VALIDATED,
    ours: invalid('press_key: key: Invalid input: expected string, received number'),
  },
  'type.press_key-Enter': { why: KEY_UNION, ours: { success: true } },
  'type.press_key-return': { why: KEY_UNION, ours: { success: true } },
  'type.press_key-empty': { why: VALIDATED, ours: invalid('press_key: key: Unknown key: ') },
  'type.key_down-unknown': {
    why: VALIDATED,
    ours: invalid('key_down: key: Unknown key: nosuchkey'),
  },
  'type.key_up-unknown': { why: VALIDATED, ours: invalid('key_up: key: Unknown key: nosuchkey') },
  'type.hotkey-unknown': {
    why: VALIDATED,
    ours: invalid('hotkey: keys: Unknown key in hotkey: nosuch'),
  },
  'type.hotkey-empty': { why: VALIDATED, ours: invalid('hotkey: keys: keys is empty') },
  'type.hotkey-int': { why: VALIDATED, ours: invalid('hotkey: keys: Invalid input') },
  'type.scroll-string': {
    why: VALIDATED,
    ours: invalid('scroll: x: Invalid input: expected number, received string'),
  },
  'type.scroll_down-string': {
    why: VALIDATED,
    ours: invalid('scroll_down: clicks: Invalid input: expected number, received string'),
  },
  'type.scroll_direction-sideways': {
    why: VALIDATED,
    ours: invalid(
      'scroll_direction: direction: Invalid option: expected one of "up"|"down"|"left"|"right"',
    ),
  },
  'type.scroll_direction-int': {
    why: VALIDATED,
    ours: invalid('scroll_direction: direction: Invalid input: expected string, received number'),
  },
  'type.drag-empty-path': { why: VALIDATED, ours: invalid('drag: path: Path is empty') },
  'type.drag-objects': {
    why: VALIDATED,
    ours: invalid(
      'drag: path.0: Invalid input: expected tuple, received object; ' +
        'path.1: Invalid input: expected tuple, received object',
    ),
  },
  'type.drag-string': {
    why: VALIDATED,
    ours: invalid('drag: path: Invalid input: expected array, received string'),
  },
  'type.mouse_down-unknown-button': {
    why: VALIDATED,
    ours: invalid('mouse_down: button: Invalid option: expected one of "left"|"right"|"middle"'),
  },
  'type.mouse_up-unknown-button': {
    why: VALIDATED,
    ours: invalid('mouse_up: button: Invalid option: expected one of "left"|"right"|"middle"'),
  },
  'type.read_bytes-offset-string': {
    why: VALIDATED,
    ours: invalid('read_bytes: offset: Invalid input: expected number, received string'),
  },
  'type.read_bytes-length-string': {
    why: VALIDATED,
    ours: invalid('read_bytes: length: Invalid input: expected number, received string'),
  },
  'type.write_bytes-bad-padding': {
    why: PY_TEXT,
    ours: failure('invalid_params', 'content_b64: Incorrect padding'),
  },
  'type.write_bytes-non-alphabet': {
    why: 'content_b64 must be base64; upstream’s decoder drops the other characters and writes 0 bytes',
    ours: failure('invalid_params', 'content_b64: Invalid base64 character "!" at position 0'),
  },
  'type.write_text-int': {
    why: VALIDATED,
    ours: invalid('write_text: content: Invalid input: expected string, received number'),
  },
  'type.file_exists-int': {
    why: VALIDATED,
    ours: invalid('file_exists: path: Invalid input: expected string, received number'),
  },
  'type.file_exists-null': { why: VALIDATED, ours: invalid('file_exists: path: required') },
  'type.set_clipboard-object': {
    why: VALIDATED,
    ours: invalid('set_clipboard: text: Invalid input: expected string, received object'),
  },
  'type.set_clipboard-object.readback': {
    why: 'follows from type.set_clipboard-object: the clipboard holds what was there before',
    ours: { success: true, content: ANY_STRING },
  },
  'type.launch-args-string': {
    why: VALIDATED,
    ours: invalid('launch: args: Invalid input: expected array, received string'),
  },

  // ws-failures.jsonl: missing params
  'missing.move_cursor-y': { why: PY_TEXT, ours: invalid('move_cursor: y: required') },
  'missing.move_cursor-both': {
    why: PY_TEXT,
    ours: invalid('move_cursor: x: required; y: required'),
  },
  'missing.run_command': { why: PY_TEXT, ours: invalid('run_command: command: required') },
  'missing.read_text': { why: PY_TEXT, ours: invalid('read_text: path: required') },
  'missing.write_text-content': { why: PY_TEXT, ours: invalid('write_text: content: required') },
  'missing.type_text': { why: PY_TEXT, ours: invalid('type_text: text: required') },
  'missing.press_key': { why: PY_TEXT, ours: invalid('press_key: key: required') },
  'missing.hotkey': { why: PY_TEXT, ours: invalid('hotkey: keys: Invalid input') },
  'missing.scroll-y': { why: PY_TEXT, ours: invalid('scroll: y: required') },
  'missing.set_clipboard': { why: PY_TEXT, ours: invalid('set_clipboard: text: required') },
  'missing.launch': { why: PY_TEXT, ours: invalid('launch: app: required') },
  'missing.open': { why: PY_TEXT, ours: invalid('open: target: required') },
  'missing.get_window_name': {
    why: PY_TEXT,
    ours: invalid('get_window_name: window_id: Invalid input'),
  },
  'missing.scroll_direction': {
    why: PY_TEXT,
    ours: invalid('scroll_direction: direction: required'),
  },
  'missing.diorama_cmd': { why: PY_TEXT, ours: invalid('diorama_cmd: action: required') },
  'missing.drag_to': { why: PY_TEXT, ours: invalid('drag_to: y: required') },
  'missing.no-params-key': { why: PY_TEXT, ours: invalid('move_cursor: x: required; y: required') },

  // ws-failures.jsonl: files
  'fs.read_text-missing': {
    why: ERRNO,
    ours: failure('not_found', `No such file or directory: ${at('missing.txt')}`),
  },
  'fs.read_bytes-missing': {
    why: ERRNO,
    ours: failure('not_found', `No such file or directory: ${at('missing.bin')}`),
  },
  'fs.get_file_size-missing': {
    why: ERRNO,
    ours: failure('not_found', `No such file or directory: ${at('missing.bin')}`),
  },
  'fs.delete_file-missing': {
    why: ERRNO,
    ours: failure('not_found', `No such file or directory: ${at('missing.bin')}`),
  },
  'fs.delete_dir-missing': {
    why: ERRNO,
    ours: failure('not_found', `No such file or directory: ${at('missing-dir')}`),
  },
  'fs.list_dir-missing': {
    why: ERRNO,
    ours: failure('not_found', `No such file or directory: ${at('missing-dir')}`),
  },
  'fs.list_dir-file': {
    why: ERRNO,
    ours: failure('command_failed', `Not a directory: ${at('plain.txt')}`),
  },
  'fs.write_text-missing-parent': {
    why: ERRNO,
    ours: failure('not_found', `No such file or directory: ${at('nodir/x.txt')}`),
  },
  'fs.write_bytes-missing-parent': {
    why: ERRNO,
    ours: failure('not_found', `No such file or directory: ${at('nodir/x.bin')}`),
  },
  'fs.delete_dir-not-empty': {
    why: ERRNO,
    ours: failure('command_failed', `Directory not empty: ${at('full')}`),
  },
  'fs.delete_file-directory': {
    why: ERRNO,
    ours: failure('command_failed', `Is a directory: ${at('full')}`),
  },
  'fs.create_dir-over-file': {
    why: ERRNO,
    ours: failure('command_failed', `File exists: ${at('plain.txt')}`),
  },
  'fs.read_text-directory': {
    why: ERRNO,
    ours: failure('command_failed', `Is a directory: ${at('full')}`),
  },
  'fs.read_text-invalid-utf8': { why: LOSSY_UTF8, ours: { success: true, content: 'ab\ufffd' } },
  'fs.open-missing': {
    why: 'we check that the file exists and say so; upstream’s fire-and-forget opener succeeds',
    ours: failure('not_found', `No such file or directory: ${at('missing.bin')}`),
  },

  // ws-failures.jsonl: run_command
  'run.timeout-output-discarded': {
    why: 'a command that timed out keeps what it printed before (upstream drops it)',
    ours: {
      success: false,
      stdout: 'before\n',
      stderr: 'Command timed out after 0.3s',
      return_code: -1,
      error: 'Command timed out after 0.3s',
      code: 'timeout',
    },
  },
  'run.timeout-0': {
    why: 'timeout must be > 0 (validated); upstream times out at once',
    ours: invalid('run_command: timeout: Too small: expected number to be >0'),
  },
  'run.timeout-negative': {
    why: 'timeout must be > 0 (validated); upstream times out at once',
    ours: invalid('run_command: timeout: Too small: expected number to be >0'),
  },
  'run.invalid-utf8-output': {
    why: LOSSY_UTF8,
    ours: { success: true, stdout: '\ufffd', stderr: '', return_code: 0 },
  },
  'run.empty-command': {
    why: 'command must be a non-empty string (validated); upstream runs sh -c ""',
    ours: invalid('run_command: command: Too small: expected string to have >=1 characters'),
  },
  'size.17MiB-frame': {
    why: 'closed with 1009 as upstream, but with an empty close reason',
    close: { code: 1009, reason: '' },
  },

  // ws-commands.jsonl, local+pywinctl
  'pwc.get_window_name.unknown': {
    why: WINDOW_NOT_FOUND,
    ours: failure('not_found', 'Window not found: 0xf423f (999999)'),
  },
  'pwc.get_window_size.unknown': {
    why: 'a window_id must be an X11 id (a number, decimal or hex string); "nope" is refused',
    ours: failure(
      'invalid_params',
      'window_id must be an X11 window id (a number, or hex such as 0x1c00007), got "nope"',
    ),
  },
  'pwc.set_window_size': {
    why:
      'upstream’s pywinctl answered success:false although the window was resized (README, ' +
      'Observations); ours says true',
    ours: { success: true },
  },
  'pwc.set_window_position': { why: 'as pwc.set_window_size', ours: { success: true } },
  'pwc.maximize_window': { why: 'as pwc.set_window_size', ours: { success: true } },
  'pwc.minimize_window': { why: 'as pwc.set_window_size', ours: { success: true } },
  'pwc.activate_window': { why: 'as pwc.set_window_size', ours: { success: true } },
  'pwc.activate_window.RecTerm': { why: 'as pwc.set_window_size', ours: { success: true } },
  'pwc.close_window': { why: 'as pwc.set_window_size', ours: { success: true } },
  'pwc.get_window_name.after-close': {
    why: WINDOW_NOT_FOUND,
    ours: failure('not_found', /^Window not found: 0x[0-9a-f]+ \(\d+\)$/),
  },
  'pwc.set_window_size.unknown': {
    why: WINDOW_NOT_FOUND,
    ours: failure('not_found', 'Window not found: 0xf423f (999999)'),
  },
  'pwc.close_window.unknown': {
    why: WINDOW_NOT_FOUND,
    ours: failure('not_found', 'Window not found: 0xf423f (999999)'),
  },

  // cmd.jsonl
  'cmd.fail.read_text-missing': {
    why: ERRNO,
    status: 200,
    ours: failure('not_found', `No such file or directory: ${at('missing.txt')}`),
  },
  'cmd.fail.missing-param': {
    why: PY_TEXT,
    status: 200,
    ours: invalid('move_cursor: y: required'),
  },
  'cmd.fail.unknown-key': { why: KEY_UNION, status: 200, ours: { success: true } },
  'cmd.fail.find_element': {
    why: 'as find_element',
    status: 200,
    ours: failure('not_found', /^Element not found \(no criteria\): /),
  },
  'cmd.fail.params-null': {
    why: CMD_MALFORMED,
    status: 400,
    ours: { detail: 'params must be an object, not null', code: 'invalid_request' },
  },
  'cmd.fail.params-list': {
    why: CMD_MALFORMED,
    status: 400,
    ours: { detail: 'params must be an object, not an array', code: 'invalid_request' },
  },
  'cmd.fail.invalid-utf8-output': {
    why: LOSSY_UTF8,
    status: 200,
    ours: { success: true, stdout: '\ufffd', stderr: '', return_code: 0 },
  },
  'cmd.status.bad-json': {
    why: PY_TEXT,
    status: 400,
    ours: { detail: /^Invalid JSON body: \S/, code: 'invalid_json' },
  },
  'cmd.status.truncated-json': {
    why: PY_TEXT,
    status: 400,
    ours: { detail: /^Invalid JSON body: \S/, code: 'invalid_json' },
  },
  'cmd.status.empty-body': {
    why: PY_TEXT,
    status: 400,
    ours: { detail: /^Invalid JSON body: \S/, code: 'invalid_json' },
  },
  'cmd.status.json-array': {
    why: PY_TEXT,
    status: 400,
    ours: { detail: `Invalid JSON body: ${NOT_AN_OBJECT}`, code: 'invalid_request' },
  },
  'cmd.status.json-null': {
    why: PY_TEXT,
    status: 400,
    ours: { detail: `Invalid JSON body: ${NOT_AN_OBJECT}`, code: 'invalid_request' },
  },
  'cmd.status.json-string': {
    why: PY_TEXT,
    status: 400,
    ours: { detail: `Invalid JSON body: ${NOT_AN_OBJECT}`, code: 'invalid_request' },
  },
  'cmd.status.command-int': {
    why: CMD_BAD_COMMAND,
    status: 400,
    ours: { detail: 'Command is required', code: 'invalid_request' },
  },
  'cmd.status.command-list': {
    why: CMD_BAD_COMMAND,
    status: 400,
    ours: { detail: 'Command is required', code: 'invalid_request' },
  },

  // http.jsonl
  'status.with-origin': {
    why: ORIGIN,
    status: 403,
    ours: { detail: 'Origin not allowed', code: 'forbidden_origin' },
  },
  'cors.preflight-cmd': {
    why: ORIGIN,
    status: 403,
    ours: { detail: 'Origin not allowed', code: 'forbidden_origin' },
  },
  'ws.upgrade-deflate': {
    why: 'compression is off (docs/protocol.md, WebSocket /ws); the client then sends plain frames',
    status: 101,
    headers: { 'sec-websocket-extensions': null },
  },
  'ws.upgrade-subprotocol': {
    why:
      'the ws library selects the first subprotocol a client offers, upstream selects none; ' +
      'both are RFC 6455, and no upstream client offers one',
    status: 101,
    headers: { 'sec-websocket-protocol': 'cua' },
  },

  // cloud-auth.jsonl
  'ws.auth.good.then-authenticate-again': {
    why: AUTH_NOT_NEEDED,
    ours: { success: true, message: AUTH_MESSAGES.success },
  },
  'ws.auth.api_key-int': {
    why:
      'a non-string api_key is refused without asking the auth service (upstream sends ' +
      '“Bearer 12345”); the reply and the close are the same',
    authCalls: 0,
  },
  'cmd.auth.no-headers.missing-command': {
    why: CMD_AUTH_FIRST,
    status: 401,
    ours: { detail: AUTH_MESSAGES.containerNameRequired, code: 'auth_required' },
  },
  'cmd.auth.no-headers.bad-json': {
    why: CMD_AUTH_FIRST,
    status: 401,
    ours: { detail: AUTH_MESSAGES.containerNameRequired, code: 'auth_required' },
  },
  'cmd.auth.good.handler-failure': {
    why: ERRNO,
    status: 200,
    ours: failure('not_found', `No such file or directory: ${at('missing.txt')}`),
  },
};

// ---- Set-up: the recording's machine, as far as it matters ----

const recordings = loadRecordings();
const scratch = mkdtempSync(join(tmpdir(), 'cua-replay-'));
/** The recorded scratch path → ours, in requests and in upstream's replies. */
const local = (text: string) => text.replaceAll(SCRATCH_RECORDED, scratch);

let desktop: VirtualDisplay;
let recTerm: ChildProcess;
let recTermId: number;
let authService: Awaited<ReturnType<typeof startRecordedAuthService>>;
const servers = new Map<string, RunningServer>();
const xdg = mkdtempSync(join(tmpdir(), 'cua-replay-xdg-'));
const OPENER_ENV = {
  BROWSER: '/bin/true',
  XDG_CONFIG_HOME: join(xdg, 'config'),
  XDG_DATA_HOME: join(xdg, 'data'),
};
const OPENED_TYPES = [
  'x-scheme-handler/http',
  'x-scheme-handler/https',
  'application/octet-stream',
  'text/plain',
];
const savedEnv = new Map<string, string | undefined>();

/** A 1x1 PNG, for set_wallpaper. */
const PNG_1X1 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

beforeAll(async () => {
  // What the recordings' scratch folder held before their exchanges, as those show.
  writeFileSync(join(scratch, 'wall.png'), Buffer.from(PNG_1X1, 'base64'));
  writeFileSync(join(scratch, 'blob.bin'), Buffer.from([1, 2, 3]));
  writeFileSync(join(scratch, 'plain.txt'), 'plain');
  writeFileSync(join(scratch, 'bad.txt'), Buffer.from([0x61, 0x62, 0xff]));
  mkdirSync(join(scratch, 'full'));
  writeFileSync(join(scratch, 'full', 'x'), 'x');
  writeFileSync(join(scratch, 'c.txt'), 'cmd text ✓');
  // As upstream was run, `open` starts /bin/true instead of a browser or an application:
  // upstream's Python opener reads BROWSER; xdg-open, ours, asks the desktop's defaults first.
  for (const [name, value] of Object.entries(OPENER_ENV)) {
    savedEnv.set(name, process.env[name]);
    process.env[name] = value;
  }
  mkdirSync(join(xdg, 'config'));
  mkdirSync(join(xdg, 'data', 'applications'), { recursive: true });
  writeFileSync(
    join(xdg, 'config', 'mimeapps.list'),
    `[Default Applications]\n${OPENED_TYPES.map((type) => `${type}=cua-replay-true.desktop\n`).join('')}`,
  );
  writeFileSync(
    join(xdg, 'data', 'applications', 'cua-replay-true.desktop'),
    '[Desktop Entry]\nType=Application\nName=true\nExec=/bin/true %u\nNoDisplay=true\n' +
      `MimeType=${OPENED_TYPES.join(';')};\n`,
  );

  desktop = await startDesktop({ width: 640, height: 400 });
  recTerm = spawn(
    'xterm',
    ['-T', 'RecTerm', '-geometry', '60x14+21+50', '-xrm', 'XTerm*allowSendEvents: true'],
    { env: { ...process.env, DISPLAY: desktop.display }, stdio: 'ignore' },
  );
  recTermId = Number(await findWindow(desktop.display, 'RecTerm'));
  x(desktop.display, 'xdotool', ['windowactivate', '--sync', String(recTermId)]);

  authService = await startRecordedAuthService();
  const cloud = (authBaseUrl: string) => ({
    display: desktop.display,
    auth: {
      mode: 'container' as const,
      containerName: 'vm1',
      authBaseUrl,
      // As upstream: one remote check per handshake and per /cmd request, failures not slowed.
      remoteCacheTtlMs: 0,
      maxFailures: 1_000_000,
    },
  });
  servers.set('local', await startServer({ display: desktop.display }));
  servers.set('cloud', await startServer(cloud(authService.baseUrl)));
  servers.set(
    'cloud-auth-unreachable',
    await startServer(cloud(`http://127.0.0.1:${await unusedPort()}/`)),
  );
}, 30_000);

afterAll(async () => {
  for (const server of servers.values()) await server.close();
  await authService?.close();
  if (recTerm && recTerm.exitCode === null) {
    const exited = once(recTerm, 'exit');
    recTerm.kill('SIGKILL');
    await exited;
  }
  await desktop?.stop();
  for (const dir of [scratch, xdg]) rmSync(dir, { recursive: true, force: true });
  for (const [name, value] of savedEnv) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}, 30_000);

/** `local+pywinctl` was `local` with a window library; ours has window commands built in. */
function serverFor(entry: Recorded): RunningServer {
  const server = servers.get(entry.server === 'local+pywinctl' ? 'local' : entry.server);
  if (!server) throw new Error(`no server for ${entry.server}`);
  return server;
}

// ---- Comparison ----

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** Where `ours` does not have the shape of `upstream`: keys, JSON types, array items. */
function shapeProblems(upstream: unknown, ours: unknown, path = '$'): string[] {
  const [want, got] = [kindOf(upstream), kindOf(ours)];
  if (want !== got) return [`${path}: ${got}, upstream ${want}`];
  if (Array.isArray(upstream) && Array.isArray(ours)) {
    if (upstream.length === 0) return [];
    return ours.flatMap((item, i) => shapeProblems(upstream[0], item, `${path}[${i}]`));
  }
  if (isObject(upstream) && isObject(ours)) {
    const keys = new Set([...Object.keys(upstream), ...Object.keys(ours)]);
    return [...keys].flatMap((key) => {
      if (!(key in ours)) return [`${path}.${key}: missing (upstream has it)`];
      if (!(key in upstream)) return [`${path}.${key}: not in upstream’s reply`];
      return shapeProblems(upstream[key], ours[key], `${path}.${key}`);
    });
  }
  return [];
}

interface RequestFacts {
  command: CommandName | undefined;
  /** The top-level `id` the request carried, if any. */
  id: unknown;
}

function requestFacts(requestJson: string | undefined): RequestFacts {
  let parsed: unknown;
  try {
    parsed = requestJson === undefined ? undefined : JSON.parse(requestJson);
  } catch {
    parsed = undefined;
  }
  if (!isObject(parsed)) return { command: undefined, id: undefined };
  const command =
    typeof parsed.command === 'string' ? resolveCommandName(parsed.command) : undefined;
  return { command, id: parsed.id };
}

/** Our reply without the EXTENSION_FIELDS upstream's lacks. */
function withoutExtensions(ours: JsonObject, upstream: JsonObject, facts: RequestFacts) {
  const drop = new Set<string>();
  if (facts.id !== undefined && ours[EXTENSION_FIELDS.idEcho] === facts.id) {
    drop.add(EXTENSION_FIELDS.idEcho);
  }
  if (ours.success === false) for (const key of EXTENSION_FIELDS.failure) drop.add(key);
  if (!('success' in ours)) for (const key of EXTENSION_FIELDS.detail) drop.add(key);
  for (const key of (facts.command && EXTENSION_FIELDS.result[facts.command]) ?? []) drop.add(key);
  return Object.fromEntries(
    Object.entries(ours).filter(([key]) => !(drop.has(key) && !(key in upstream))),
  );
}

/** The protocol's MUSTs for any reply of ours to a command (on /ws, or the /cmd event). */
function envelopeProblems(reply: unknown, command: CommandName | undefined): string[] {
  if (!isObject(reply)) return ['the reply is not a JSON object'];
  const problems: string[] = [];
  if (typeof reply.success !== 'boolean') problems.push('`success` is not a boolean');
  if (Object.keys(reply)[0] !== 'success') problems.push('`success` is not the first key');
  if (reply.success === false && (typeof reply.error !== 'string' || reply.error === '')) {
    problems.push('a failure without a non-empty `error` (docs/protocol.md MUST)');
  }
  if (reply.success === true && command) {
    for (const field of REQUIRED_RESULT_FIELDS[command] ?? []) {
      if (!(field in reply)) {
        problems.push(`${command} succeeded without \`${field}\` (docs/protocol.md MUST)`);
      }
    }
  }
  return problems;
}

/** Compares one JSON reply of ours with upstream's, exactly or structurally. */
function replyProblems(
  entry: Recorded,
  upstreamText: string,
  ours: unknown,
  facts: RequestFacts,
): string[] {
  const upstream = JSON.parse(upstreamText) as Json;
  if (!isObject(upstream) || !isObject(ours)) return ['not a JSON object'];
  const stripped = withoutExtensions(ours, upstream, facts);
  if (machineValues(entry) === undefined) {
    const [want, got] = [JSON.stringify(upstream), JSON.stringify(stripped)];
    return want === got ? [] : [`upstream ${want}\n     ours ${JSON.stringify(ours)}`];
  }
  const { fields } = machineValues(entry)!;
  const problems = shapeProblems(upstream, stripped);
  for (const [key, value] of Object.entries(upstream)) {
    if (fields.includes(key) || !(key in stripped)) continue;
    const [want, got] = [JSON.stringify(value), JSON.stringify(stripped[key])];
    if (want !== got) problems.push(`$.${key}: ${got}, upstream ${want}`);
  }
  if (typeof upstream.image_data === 'string' && typeof ours.image_data === 'string') {
    const [want, got] = [imageInfo(upstream.image_data), imageInfo(ours.image_data)];
    if (JSON.stringify(want) !== JSON.stringify(got)) {
      problems.push(`image ${JSON.stringify(got)}, upstream ${JSON.stringify(want)}`);
    }
  }
  return problems;
}

function machineValues(entry: Recorded): MachineValues | undefined {
  if (MACHINE_VALUES_BY_ID[entry.id]) return MACHINE_VALUES_BY_ID[entry.id];
  // By command only for upstream's successes: its failures say nothing about the machine.
  const upstream = isWs(entry) ? entry.reply[0] : entry.reply.body?.replace(/^data: /, '');
  if (!upstream?.startsWith('{"success": true') && !upstream?.startsWith('{"success":true')) {
    return undefined;
  }
  const { command } = requestFacts(isWs(entry) ? wsRequestText(entry) : httpBody(entry.request));
  return command && MACHINE_VALUES_BY_COMMAND[command];
}

/** A difference's expected value: RegExps match strings, `Number` any number. */
function matcher(spec: Spec): unknown {
  if (spec instanceof RegExp) return expect.stringMatching(spec);
  if (spec === Number) return expect.any(Number);
  if (Array.isArray(spec)) return spec.map(matcher);
  if (isObject(spec)) {
    return Object.fromEntries(Object.entries(spec).map(([key, value]) => [key, matcher(value)]));
  }
  return typeof spec === 'string' ? local(spec) : spec;
}

function authCallProblems(entry: Recorded, calls: AuthServiceCall[]): string[] {
  if (entry.auth_calls === undefined) return [];
  const describe = (line: string, headers: [string, string][]) =>
    `${line} ${headerValue(headers, 'authorization') ?? '(no Authorization)'}`;
  const want = entry.auth_calls.map((call) => describe(call.request_line, call.headers));
  const got = calls.map((call) => describe(call.requestLine, call.headers));
  return JSON.stringify(want) === JSON.stringify(got)
    ? []
    : [`auth calls ${JSON.stringify(got)}, upstream ${JSON.stringify(want)}`];
}

// ---- /ws ----

/** The first frame of a cloud connection is the handshake: its reply must match to the byte. */
const isHandshake = (entry: RecordedWs) => entry.server.startsWith('cloud') && entry.seq === 0;

function wsRequestText(entry: RecordedWs): string | undefined {
  // The shortened 12 and 17 MiB frames are a `version` with a long unknown param.
  if (entry.request_omitted) return '{"command":"version","params":{}}';
  return typeof entry.request === 'string' ? local(entry.request) : undefined;
}

/** The frame to send: as recorded, or rebuilt where the recording shortened it. */
function wsFrame(entry: RecordedWs, ids: WindowIds): string | Buffer {
  if (typeof entry.request !== 'string') return Buffer.from(entry.request.binary_b64, 'base64');
  if (entry.request_omitted) {
    const size = Number(/text frame of (\d+) bytes/.exec(entry.note)?.[1]);
    const head = '{"command":"version","params":{"pad":"';
    return `${head}${'A'.repeat(size - head.length - 3)}"}}`;
  }
  return ids.request(local(entry.request));
}

interface WsResult {
  events: WireEvent[];
  authCalls: AuthServiceCall[];
}

/** Window ids of the recording's machine → ours: RecTerm's, and those learnt from replies. */
class WindowIds {
  readonly map = new Map<number, number>();

  request(text: string): string {
    if (this.map.size === 0) return text;
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      return text;
    }
    const params = isObject(frame) ? frame.params : undefined;
    if (!isObject(params) || !('window_id' in params)) return text;
    const mapped = this.map.get(Number(params.window_id));
    if (mapped === undefined) return text;
    params.window_id = typeof params.window_id === 'string' ? String(mapped) : mapped;
    return JSON.stringify(frame);
  }

  /** Learns the ids a reply names (positionally), and returns upstream's reply in ours. */
  reply(upstreamText: string, ours: unknown): string {
    const upstream = JSON.parse(upstreamText) as JsonObject;
    if (!isObject(ours)) return upstreamText;
    const pair = (theirs: Json | undefined, mine: Json | undefined) => {
      if (typeof theirs === 'number' && typeof mine === 'number' && !this.map.has(theirs)) {
        this.map.set(theirs, mine);
      }
    };
    pair(upstream.window_id, ours.window_id);
    if (Array.isArray(upstream.windows) && Array.isArray(ours.windows)) {
      upstream.windows.forEach((id, i) => pair(id, (ours.windows as Json[])[i]));
      upstream.windows = upstream.windows.map((id) => this.map.get(id as number) ?? id);
    }
    if (typeof upstream.window_id === 'number') {
      upstream.window_id = this.map.get(upstream.window_id) ?? upstream.window_id;
    }
    return JSON.stringify(upstream);
  }
}

/** Sends one recorded frame and collects our answer: the reply frame and, if any, the close. */
async function exchangeWs(
  client: WireClient,
  entry: RecordedWs,
  ids: WindowIds,
): Promise<WsResult> {
  const callsBefore = authService.calls.length;
  client.send(wsFrame(entry, ids));
  const events: WireEvent[] = [];
  const first = await client.next(entry.request_omitted ? 30_000 : 10_000);
  if (first) events.push(first);
  // Upstream's close followed its reply: wait for ours as the recording waited (up to 1 s).
  if (first?.kind === 'text' && entry.close) {
    const close = await client.next(2000);
    if (close) events.push(close);
  }
  return { events, authCalls: authService.calls.slice(callsBefore) };
}

function parseFrame(event: WireEvent | undefined): unknown {
  if (event?.kind !== 'text') return undefined;
  try {
    return JSON.parse(event.text) as unknown;
  } catch {
    return undefined;
  }
}

/** Everything in which our answer to a /ws exchange differs from upstream's. */
function wsProblems(entry: RecordedWs, result: WsResult, ids: WindowIds): string[] {
  const problems: string[] = [];
  const [first, second] = result.events;
  const upstreamFrame = entry.reply[0];
  if (upstreamFrame === undefined) {
    if (first?.kind !== 'close') problems.push(`a ${first?.kind ?? 'silence'} instead of a close`);
  } else if (first?.kind !== 'text') {
    problems.push(`a ${first?.kind ?? 'silence'} instead of a text frame`);
  } else if (isHandshake(entry)) {
    if (first.text !== upstreamFrame)
      problems.push(`frame ${first.text}, upstream ${upstreamFrame}`);
  } else {
    const ours = parseFrame(first);
    const upstream = ids.reply(local(upstreamFrame), ours);
    problems.push(...replyProblems(entry, upstream, ours, requestFacts(wsRequestText(entry))));
  }
  const close = upstreamFrame === undefined ? first : second;
  if (entry.close) {
    if (close?.kind !== 'close') problems.push('the connection stayed open; upstream closed it');
    else if (close.code !== entry.close.code || close.reason !== entry.close.reason) {
      problems.push(
        `close ${close.code} “${close.reason}”, ` +
          `upstream ${entry.close.code} “${entry.close.reason}”`,
      );
    }
  } else if (second?.kind === 'close') {
    problems.push(`closed (${second.code}); upstream kept the connection open`);
  }
  return [...problems, ...authCallProblems(entry, result.authCalls)];
}

/** Runs the checks of one /ws exchange on our answer. */
function checkWs(entry: RecordedWs, result: WsResult, ids: WindowIds): void {
  const facts = requestFacts(wsRequestText(entry));
  const reply = parseFrame(result.events[0]);
  if (result.events[0]?.kind === 'text') {
    expect(envelopeProblems(reply, facts.command), 'the protocol’s MUSTs').toEqual([]);
  }
  const problems = wsProblems(entry, result, ids);
  const difference = DIFFERENCES[entry.id];
  if (!difference) {
    expect(problems, 'differences from upstream’s reply').toEqual([]);
    return;
  }
  expect(problems, 'listed as a difference, yet ours now answers as upstream').not.toEqual([]);
  if (difference.ours !== undefined) expect(reply).toEqual(matcher(difference.ours));
  if (difference.close) {
    expect(result.events.find((event) => event.kind === 'close')).toEqual({
      kind: 'close',
      ...(matcher(difference.close) as object),
    });
  }
  if (difference.authCalls !== undefined)
    expect(result.authCalls).toHaveLength(difference.authCalls);
}

// ---- HTTP ----

function httpBody(request: string): string {
  return request.slice(request.indexOf('\r\n\r\n') + 4);
}

/** Headers compared when upstream sent them; the last group must also stay absent when not. */
const COMPARED_HEADERS = ['content-type', 'cache-control', 'allow', 'connection', 'upgrade'];
const ABSENT_UNLESS_UPSTREAM = [
  'sec-websocket-accept',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
];
// Not compared: `date`, `server`, framing (`content-length` or chunked: both are HTTP/1.1), and
// `vary: Origin`, which upstream sends because it reflects any Origin in CORS headers; ours
// allow-lists none by default (see ORIGIN), so there is nothing to vary on.

/** The JSON of a /cmd success body `data: {…}\n\n`, or why it is not one. */
function dataEvent(body: string): { json?: unknown; problem?: string } {
  if (!body.startsWith('data: ') || !body.endsWith('\n\n')) {
    return { problem: `not a single data: event: ${JSON.stringify(body.slice(0, 80))}` };
  }
  if (body.indexOf('\n') !== body.length - 2) return { problem: 'more than one line' };
  try {
    return { json: JSON.parse(body.slice(6)) as unknown };
  } catch {
    return { problem: 'the event is not JSON' };
  }
}

function headerProblems(entry: RecordedHttp, got: HttpResponse): string[] {
  const problems: string[] = [];
  for (const name of [...COMPARED_HEADERS, ...ABSENT_UNLESS_UPSTREAM]) {
    const want = headerValue(entry.reply.headers, name);
    const value = headerValue(got.headers, name);
    if (want === undefined && !ABSENT_UNLESS_UPSTREAM.includes(name)) continue;
    const same = ['connection', 'upgrade'].includes(name)
      ? want?.toLowerCase() === value?.toLowerCase()
      : want === value;
    if (!same) problems.push(`${name}: ${value ?? '(none)'}, upstream ${want ?? '(none)'}`);
  }
  return problems;
}

/** GET /commands: upstream's registry must be in ours, in its order, with its params and aliases. */
function commandsProblems(upstreamBody: string, ourBody: string): string[] {
  interface Param {
    name: string;
    required: boolean;
    default: Json;
  }
  interface Registry {
    commands: Record<string, { params: Param[]; aliases?: string[]; schema?: JsonObject }>;
    aliases: Record<string, string>;
  }
  const upstream = JSON.parse(upstreamBody) as Registry;
  const ours = JSON.parse(ourBody) as Registry;
  const problems: string[] = [];
  const order = Object.keys(ours.commands);
  let last = -1;
  for (const [name, spec] of Object.entries(upstream.commands)) {
    const mine = ours.commands[name];
    if (!mine) {
      problems.push(`${name}: missing`);
      continue;
    }
    if (order.indexOf(name) < last) problems.push(`${name}: out of upstream’s order`);
    last = order.indexOf(name);
    for (const param of spec.params) {
      const our = mine.params.find((p) => p.name === param.name);
      if (JSON.stringify(our) !== JSON.stringify(param)) {
        problems.push(
          `${name}.${param.name}: ${JSON.stringify(our)}, upstream ${JSON.stringify(param)}`,
        );
      }
    }
    for (const param of mine.params) {
      if (param.required && !spec.params.some((p) => p.name === param.name)) {
        problems.push(`${name}.${param.name}: required, and upstream clients do not send it`);
      }
    }
    if (JSON.stringify(mine.aliases ?? []) !== JSON.stringify(spec.aliases ?? [])) {
      problems.push(
        `${name} aliases ${JSON.stringify(mine.aliases)}, upstream ${JSON.stringify(spec.aliases)}`,
      );
    }
  }
  for (const name of order) {
    if (!(name in upstream.commands) && ours.commands[name]?.schema?.extension !== true) {
      problems.push(`${name}: not upstream’s, and not marked as an extension`);
    }
  }
  for (const [alias, target] of Object.entries(upstream.aliases)) {
    if (ours.aliases[alias] !== target) problems.push(`alias ${alias} → ${ours.aliases[alias]}`);
  }
  return problems;
}

/** Everything in which our answer to an HTTP exchange differs from upstream's. */
function httpProblems(entry: RecordedHttp, got: HttpResponse, calls: AuthServiceCall[]): string[] {
  const problems: string[] = [];
  const { reply } = entry;
  if (got.statusLine !== reply.status_line) {
    problems.push(`${got.statusLine}, upstream ${reply.status_line}`);
  }
  problems.push(...headerProblems(entry, got));
  const upstreamBody = local(reply.body ?? '');
  const facts = requestFacts(httpBody(local(entry.request)));
  if (upstreamBody.startsWith('data: ')) {
    const event = dataEvent(got.body);
    if (event.problem) problems.push(event.problem);
    else problems.push(...replyProblems(entry, upstreamBody.slice(6), event.json, facts));
  } else if (reply.content_type === 'application/json') {
    if (entry.id === 'commands' || entry.id === 'http.cloud.commands') {
      problems.push(...commandsProblems(upstreamBody, got.body));
    } else {
      let ours: unknown;
      try {
        ours = JSON.parse(got.body);
      } catch {
        ours = got.body;
      }
      problems.push(...replyProblems(entry, upstreamBody, ours, facts));
    }
  } else if (got.body !== upstreamBody) {
    problems.push(`body ${JSON.stringify(got.body)}, upstream ${JSON.stringify(upstreamBody)}`);
  }
  return [...problems, ...authCallProblems(entry, calls)];
}

async function checkHttp(entry: RecordedHttp): Promise<void> {
  const callsBefore = authService.calls.length;
  const got = await rawHttp(serverFor(entry).port, withContentLength(local(entry.request)));
  const calls = authService.calls.slice(callsBefore);
  const facts = requestFacts(httpBody(local(entry.request)));
  const event = got.status === 200 && got.body.startsWith('data: ') ? dataEvent(got.body) : {};
  if (entry.request.startsWith('POST /cmd ') && got.status === 200) {
    expect(event.problem, 'one data: event (docs/protocol.md MUST)').toBeUndefined();
    expect(envelopeProblems(event.json, facts.command), 'the protocol’s MUSTs').toEqual([]);
  }
  const problems = httpProblems(entry, got, calls);
  const difference = DIFFERENCES[entry.id];
  if (!difference) {
    expect(problems, 'differences from upstream’s reply').toEqual([]);
    return;
  }
  expect(problems, 'listed as a difference, yet ours now answers as upstream').not.toEqual([]);
  if (difference.status !== undefined) expect(got.status).toBe(difference.status);
  if (difference.ours !== undefined) {
    const body = 'json' in event ? event.json : (JSON.parse(got.body) as unknown);
    expect(body).toEqual(matcher(difference.ours));
  }
  for (const [name, value] of Object.entries(difference.headers ?? {})) {
    expect(headerValue(got.headers, name) ?? null, name).toEqual(matcher(value));
  }
  if (difference.authCalls !== undefined) expect(calls).toHaveLength(difference.authCalls);
}

// ---- The plan: what each exchange gets ----

type Treatment = 'exact' | 'structural' | 'difference' | 'skipped';

function treatmentOf(entry: Recorded): Treatment {
  if (SKIPPED[entry.id]) return 'skipped';
  if (DIFFERENCES[entry.id]) return 'difference';
  return machineValues(entry) === undefined ? 'exact' : 'structural';
}

const counts = new Map<RecordingFile, Record<Treatment, number>>();
for (const entry of recordings) {
  const row = counts.get(entry.file) ?? { exact: 0, structural: 0, difference: 0, skipped: 0 };
  row[treatmentOf(entry)] += 1;
  counts.set(entry.file, row);
}
const total = (treatment: Treatment) =>
  [...counts.values()].reduce((sum, row) => sum + row[treatment], 0);
const SUMMARY =
  `${recordings.length} exchanges: ${total('exact')} exact, ${total('structural')} structural, ` +
  `${total('difference')} listed differences, ${total('skipped')} skipped`;

const title = (entry: Recorded) => {
  switch (treatmentOf(entry)) {
    case 'exact':
      return entry.id;
    case 'structural':
      return `${entry.id} (structural: ${machineValues(entry)?.fields.join(', ')})`;
    case 'difference':
      return `${entry.id} (listed difference)`;
    case 'skipped':
      return `${entry.id} (skipped: ${SKIPPED[entry.id]})`;
  }
};

/** The /ws connections of the recordings, each replayed on a connection of ours, in `seq` order. */
interface WsGroup {
  name: string;
  entries: RecordedWs[];
}
/** Replayed together, because what they show is how the replies of two connections interleave. */
const ORDERING = ['ordering.c1.slow', 'ordering.c1.queued', 'ordering.c2.concurrent'];

function wsGroups(file: RecordingFile): WsGroup[] {
  const groups = new Map<string, RecordedWs[]>();
  for (const entry of recordings) {
    if (entry.file !== file || !isWs(entry) || ORDERING.includes(entry.id)) continue;
    const key = `${entry.server} connection ${entry.conn}`;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  return [...groups].map(([name, entries]) => ({
    name,
    entries: entries.sort((a, b) => a.seq - b.seq),
  }));
}

/** Before these, the recording's client waited for the window manager; so do we. */
const BEFORE: Record<string, () => Promise<unknown>> = {
  'pwc.get_application_windows.scratch': () => findWindow(desktop.display, 'ScratchTerm'),
};

function replayWsGroup(group: WsGroup): void {
  let client: WireClient | undefined;
  const ids = new WindowIds();
  let lastReplyMs: number | undefined;

  beforeAll(async () => {
    if (group.entries.some((entry) => entry.server === 'local+pywinctl')) {
      ids.map.set(4194316, recTermId); // RecTerm's id on the recording's machine
      x(desktop.display, 'xdotool', ['windowactivate', '--sync', String(recTermId)]);
    }
  });
  afterAll(() => client?.close());

  const run = group.entries.filter((entry) => !SKIPPED[entry.id]);
  const skipped = group.entries.filter((entry) => SKIPPED[entry.id]);
  // Rows rather than objects: vitest shortens `$name` interpolations, not `%s` ones.
  it.each(run.map((entry) => [title(entry), entry] as const))('%s', async (_name, entry) => {
    client ??= await WireClient.open(serverFor(entry).url);
    // The pauses the recording's client made for the window manager (pwc.*), up to 1 s.
    if (entry.server === 'local+pywinctl' && lastReplyMs !== undefined) {
      await sleep(Math.min(1000, Math.max(0, entry.t_sent_ms - lastReplyMs)));
    }
    await BEFORE[entry.id]?.();
    let result: WsResult;
    try {
      result = await exchangeWs(client, entry, ids);
    } finally {
      lastReplyMs = entry.t_reply_ms;
    }
    // Upstream closed here (or this reply never came): the next exchange gets a new connection.
    if (entry.close || result.events[0] === undefined) {
      await client.close();
      client = undefined;
    }
    checkWs(entry, result, ids);
  });
  if (skipped.length > 0) {
    it.skip.each(skipped.map((entry) => [title(entry)]))('%s', () => undefined);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- The tests ----

describe(`our server answers upstream’s recorded requests as upstream did (${SUMMARY})`, () => {
  it('the tables name recorded exchanges only, each in one table', () => {
    const ids = new Set(recordings.map((entry) => entry.id));
    const named = [
      ...Object.keys(DIFFERENCES),
      ...Object.keys(SKIPPED),
      ...Object.keys(MACHINE_VALUES_BY_ID),
    ];
    expect(named.filter((id) => !ids.has(id))).toEqual([]);
    expect(Object.keys(DIFFERENCES).filter((id) => SKIPPED[id])).toEqual([]);
    for (const [file, row] of counts) console.log(`${file}: ${JSON.stringify(row)}`);
  });

  it('upstream’s handshake texts are our AUTH_MESSAGES, byte for byte', () => {
    const texts = new Set(Object.values(AUTH_MESSAGES) as string[]);
    for (const entry of recordings) {
      if (!isWs(entry) || !isHandshake(entry) || entry.reply[0] === undefined) continue;
      const frame = JSON.parse(entry.reply[0]) as { error?: string; message?: string };
      expect(texts, entry.id).toContain(frame.error ?? frame.message);
    }
  });

  for (const file of RECORDING_FILES) {
    describe(file, () => {
      for (const group of wsGroups(file))
        describe(`/ws, ${group.name}`, () => replayWsGroup(group));

      if (file === 'ws-commands.jsonl') {
        describe('/ws, a slow command, a version queued behind it, one on a 2nd connection', () => {
          const results = new Map<string, { event: WireEvent | undefined; atMs: number }>();
          beforeAll(async () => {
            const [c1, c2] = [
              await WireClient.open(servers.get('local')!.url),
              await WireClient.open(servers.get('local')!.url),
            ];
            const start = Date.now();
            const [slow, queued, concurrent] = ORDERING.map(
              (id) => recordings.find((entry) => entry.id === id) as RecordedWs,
            );
            c1.send(slow!.request as string);
            c1.send(queued!.request as string);
            c2.send(concurrent!.request as string);
            const take = async (client: WireClient, id: string) =>
              results.set(id, { event: await client.next(), atMs: Date.now() - start });
            await Promise.all([
              take(c2, concurrent!.id),
              take(c1, slow!.id).then(() => take(c1, queued!.id)),
            ]);
            await Promise.all([c1.close(), c2.close()]);
          }, 20_000);

          it.each(
            ORDERING.map((id) => {
              const entry = recordings.find((e) => e.id === id) as RecordedWs;
              return [title(entry), entry] as const;
            }),
          )('%s', (_name, entry) => {
            const result = results.get(entry.id)!;
            const events = result.event ? [result.event] : [];
            checkWs(entry, { events, authCalls: [] }, new WindowIds());
            // As upstream: the queued version after the slow command, the other socket's at once.
            const slowMs = results.get('ordering.c1.slow')!.atMs;
            if (entry.id === 'ordering.c1.queued') {
              expect(result.atMs).toBeGreaterThanOrEqual(slowMs);
            }
            if (entry.id === 'ordering.c2.concurrent') {
              expect(result.atMs).toBeLessThan(slowMs);
            }
          });
        });
      }

      const http = recordings.filter(
        (entry): entry is RecordedHttp => entry.file === file && !isWs(entry),
      );
      if (http.length > 0) {
        describe('HTTP', () => {
          it.each(http.map((entry) => [title(entry), entry] as const))('%s', (_name, entry) =>
            checkHttp(entry),
          );
        });
      }
    });
  }
});
