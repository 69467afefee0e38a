import { connect } from 'node:net';
import { CommandError } from '../core/command-error.js';

/**
 * The X display this server drives: the one it was given (`--display`, `--xvfb`), else the
 * server's own `DISPLAY`. Everything that needs a display name asks here.
 */
export function resolveDisplay(explicit?: string): string | undefined {
  const display = explicit ?? process.env.DISPLAY;
  return display === '' ? undefined : display;
}

const NO_DISPLAY_HINT = 'set DISPLAY, or start the server with --xvfb to get a virtual one';

/** The one answer when no display is configured; `action` (e.g. `open 'x'`) says what failed. */
export function noDisplayError(action?: string): CommandError {
  return new CommandError(
    'display_unavailable',
    action === undefined
      ? `No display: ${NO_DISPLAY_HINT}`
      : `Cannot ${action}: no display (${NO_DISPLAY_HINT})`,
  );
}

/** The local socket of an X display such as `:99` or `:99.0`; undefined for remote displays. */
export function localDisplaySocket(display: string): string | undefined {
  const match = /^(?:unix)?:(\d+)(?:\.\d+)?$/.exec(display);
  return match ? `/tmp/.X11-unix/X${match[1]}` : undefined;
}

/**
 * Whether an X server accepts connections on the display, without loading any X library: a
 * native X client would take the whole process down if the display is gone.
 */
export function displayReachable(display: string, timeoutMs = 500): Promise<boolean> {
  const path = localDisplaySocket(display);
  if (path === undefined) return Promise.resolve(true);
  return new Promise((resolve) => {
    const socket = connect({ path });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
