import { spawn, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import type { CommandsOfGroup } from '@cua/computer-protocol';
import { CommandError, unsupported } from '../core/command-error.js';
import type { Desktop, DesktopWindows } from '../desktop/desktop.js';
import { noDisplayError } from '../desktop/display.js';
import {
  CHROMIUM_ACCESSIBILITY_SWITCH,
  isChromiumLike,
  withChromiumAccessibility,
  type Accessibility,
} from '../desktop/a11y/index.js';
import { findOnPath } from '../system/find-on-path.js';
import { shellArgv } from '../system/shell-argv.js';
import { fileError } from '../files/fs-error.js';
import { resolveUserPath } from '../files/user-path.js';
import type { Handler } from './types.js';

/** A shell reports "command not found" (exit 127) at once; a started app is still running. */
const SHELL_NOT_FOUND_GRACE_MS = 200;
/** xdg-open fails within this when nothing can open the target; a working opener keeps going. */
const OPEN_FAILURE_GRACE_MS = 500;

export type WindowsHandlers = { [N in CommandsOfGroup<'windows'>]: Handler<N> };

export interface WindowsHandlerOptions {
  /** Where launched apps and openers get DISPLAY, PATH and the rest. */
  env: NodeJS.ProcessEnv;
  /**
   * Launched apps join its accessibility bus (toolkit switches, the bus address, Chromium's
   * renderer switch), so their UI can be read without any set-up.
   */
  accessibility?: Pick<Accessibility, 'launchEnv'>;
}

/**
 * The window commands (docs/protocol.md, Commands), through the desktop's windows (X11: EWMH
 * on the desktop's X connection); `open` and `launch` start processes and work on any platform.
 */
export function windowsHandlers(desktop: Desktop, options: WindowsHandlerOptions): WindowsHandlers {
  const { env } = options;
  const windows = (): DesktopWindows => {
    if (!desktop.capabilities.windows) {
      unsupported(
        `window commands are not implemented by the ${desktop.capabilities.name} backend`,
      );
    }
    if (process.platform === 'darwin' || process.platform === 'win32') {
      unsupported(
        `window commands are implemented for X11 only; this server runs on ${process.platform}`,
      );
    }
    return desktop.windows;
  };
  return {
    open: ({ target }, ctx) => openTarget(target, env, ctx.signal),

    launch: async ({ app, args }) => {
      const extra = (await options.accessibility?.launchEnv()) ?? {};
      const launchEnv = { ...env, ...extra };
      if (args !== undefined) return launch(app, withChromiumAccessibility(app, args), launchEnv);
      return launch(withChromiumSwitchInCommand(app), undefined, launchEnv);
    },

    get_current_window_id: async (_params, ctx) => ({
      window_id: await windows().activeWindow(ctx.signal),
    }),

    get_application_windows: async ({ app }, ctx) => ({
      windows: await windows().applicationWindows(app, ctx.signal),
    }),

    get_window_name: async ({ window_id: id }, ctx) => ({
      name: await windows().name(id, ctx.signal),
    }),

    get_window_size: async ({ window_id: id }, ctx) => {
      const { width, height } = await windows().geometry(id, ctx.signal);
      return { width, height };
    },

    get_window_position: async ({ window_id: id }, ctx) => {
      const { x, y } = await windows().geometry(id, ctx.signal);
      return { x, y };
    },

    set_window_size: async ({ window_id: id, width, height }, ctx) => {
      await windows().setSize(id, width, height, ctx.signal);
      return {};
    },

    set_window_position: async ({ window_id: id, x, y }, ctx) => {
      await windows().setPosition(id, x, y, ctx.signal);
      return {};
    },

    maximize_window: async ({ window_id: id }, ctx) => {
      await windows().maximize(id, ctx.signal);
      return {};
    },

    minimize_window: async ({ window_id: id }, ctx) => {
      await windows().minimize(id, ctx.signal);
      return {};
    },

    activate_window: async ({ window_id: id }, ctx) => {
      await windows().activate(id, ctx.signal);
      return {};
    },

    close_window: async ({ window_id: id }, ctx) => {
      await windows().close(id, ctx.signal);
      return {};
    },

    get_active_window_bounds: async (_params, ctx) => ({
      bounds: await windows().activeWindowBounds(ctx.signal),
    }),
  };
}

type Started = { kind: 'spawned' } | { kind: 'error'; error: NodeJS.ErrnoException };
type Early = { kind: 'exit'; code: number | null } | { kind: 'running' };

/**
 * Starts `app` detached from the server (its own session, stdio closed) and does not wait for it.
 * Without `args` it runs through the shell, so `app` may carry arguments and redirections; with
 * `args` (even empty) it is executed directly and no argument is interpreted.
 */
async function launch(
  app: string,
  args: string[] | undefined,
  env: NodeJS.ProcessEnv,
): Promise<{ pid: number }> {
  const viaShell = args === undefined;
  let child: ChildProcess;
  try {
    child = viaShell ? spawnDetached(...shellArgv(app), env) : spawnDetached(app, args, env);
  } catch (err) {
    // Synchronous failures: a NUL byte in the command, no resources left to fork.
    const message = err instanceof Error ? err.message : String(err);
    throw new CommandError('command_failed', `Could not launch '${app}': ${message}`);
  }
  const started = await startOf(child);
  if (started.kind === 'error') throw launchError(app, started.error);
  if (viaShell) {
    const early = await earlyExit(child, SHELL_NOT_FOUND_GRACE_MS);
    if (early.kind === 'exit' && early.code === 127) {
      throw new CommandError(
        'not_found',
        `Application not found: '${firstWord(app)}' (the shell could not find the command)`,
      );
    }
    if (early.kind === 'exit' && early.code === 126) {
      throw new CommandError('command_failed', `'${firstWord(app)}' is not executable`);
    }
  }
  child.unref();
  return { pid: child.pid! };
}

function spawnDetached(file: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(file, args, {
    env,
    // Its own session: it outlives the server and a signal to the server's group.
    detached: true,
    stdio: 'ignore',
    windowsHide: true,
    windowsVerbatimArguments: process.platform === 'win32' && file.endsWith('cmd.exe'),
  });
  // A later error (a failed kill) must not become an uncaught exception in the server.
  child.on('error', () => undefined);
  return child;
}

function startOf(child: ChildProcess): Promise<Started> {
  return new Promise((resolve) => {
    child.once('spawn', () => resolve({ kind: 'spawned' }));
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) resolve({ kind: 'error', error });
    });
  });
}

function earlyExit(child: ChildProcess, graceMs: number): Promise<Early> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve({ kind: 'running' });
    }, graceMs);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      resolve({ kind: 'exit', code });
    };
    child.once('exit', onExit);
  });
}

function launchError(app: string, error: NodeJS.ErrnoException): CommandError {
  if (error.code === 'ENOENT')
    return new CommandError('not_found', `Application not found: '${app}'`);
  if (error.code === 'EACCES') {
    return new CommandError('command_failed', `Permission denied: '${app}' is not executable`);
  }
  return new CommandError('command_failed', `Could not launch '${app}': ${error.message}`);
}

/** A shell command line that starts Chromium gets its accessibility switch after the program. */
function withChromiumSwitchInCommand(command: string): string {
  const match = /^(\s*)(\S+)(.*)$/s.exec(command);
  if (!match || !isChromiumLike(match[2]!) || command.includes(CHROMIUM_ACCESSIBILITY_SWITCH)) {
    return command;
  }
  return `${match[1]}${match[2]} ${CHROMIUM_ACCESSIBILITY_SWITCH}${match[3]}`;
}

function firstWord(command: string): string {
  return command.trim().split(/\s+/)[0] ?? command;
}

/** `scheme://…`, and the schemes without slashes that openers handle. */
function isUrl(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(target) || /^(mailto|tel|about|data):/i.test(target);
}

/**
 * Opens a URL with the default browser or a file with its default application, fire-and-forget
 * (xdg-open on Linux, open on macOS). Unlike upstream, a failure always says why: an opener that
 * gives up within OPEN_FAILURE_GRACE_MS is reported; one that fails later cannot be.
 */
async function openTarget(
  target: string,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
): Promise<Record<string, never>> {
  let argument = target;
  if (!isUrl(target)) {
    argument = resolveUserPath(target);
    try {
      await stat(argument);
    } catch (err) {
      throw fileError(err, argument);
    }
  }
  if (process.platform === 'win32') {
    unsupported('open is not implemented on Windows by this server yet');
  }
  const opener = process.platform === 'darwin' ? 'open' : 'xdg-open';
  if (process.platform !== 'darwin' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    throw noDisplayError(`open '${argument}'`);
  }
  if ((await findOnPath(opener, env)) === undefined) {
    unsupported(
      `Cannot open '${argument}': ${opener} is not installed, so there is no browser or ` +
        'default-application opener on this server (Debian package xdg-utils)',
    );
  }
  signal.throwIfAborted();
  const child = spawnDetached(opener, [argument], env);
  const started = await startOf(child);
  if (started.kind === 'error') {
    throw new CommandError('command_failed', `Could not run ${opener}: ${started.error.message}`);
  }
  const early = await earlyExit(child, OPEN_FAILURE_GRACE_MS);
  child.unref();
  if (early.kind === 'running' || early.code === 0) return {};
  throw openFailure(opener, argument, early.code, isUrl(target));
}

/** xdg-open's documented exit codes (1 syntax, 2 missing file, 3 no tool, 4 action failed). */
function openFailure(
  opener: string,
  argument: string,
  code: number | null,
  url: boolean,
): CommandError {
  const what = url ? 'browser' : 'application for this file type';
  if (opener === 'xdg-open' && code === 3) {
    return new CommandError(
      'unsupported',
      `Cannot open '${argument}': xdg-open found no ${what} installed on this server`,
    );
  }
  if (opener === 'xdg-open' && code === 2) {
    return new CommandError('not_found', `Cannot open '${argument}': it does not exist`);
  }
  if (opener === 'xdg-open' && code === 4) {
    return new CommandError(
      'command_failed',
      `Cannot open '${argument}': the ${what} xdg-open chose failed to start`,
    );
  }
  return new CommandError(
    'command_failed',
    `Cannot open '${argument}': ${opener} exited with code ${String(code)}`,
  );
}
