import { execFile, spawn } from 'node:child_process';
import { CommandError } from '../../core/command-error.js';
import { displayReachable } from '../display.js';

const TIMEOUT_MS = 3000;
const OWNERSHIP_TIMEOUT_MS = 1000;

function env(display: string): NodeJS.ProcessEnv {
  return { ...process.env, DISPLAY: display, LC_ALL: 'C.UTF-8' };
}

async function toolError(
  display: string,
  action: string,
  err: NodeJS.ErrnoException,
): Promise<CommandError> {
  if (err.code === 'ENOENT') {
    return new CommandError(
      'unsupported',
      `Cannot ${action} the clipboard: xsel is not installed (Debian package xsel)`,
    );
  }
  if (!(await displayReachable(display))) {
    return new CommandError(
      'display_unavailable',
      `Cannot ${action} the clipboard: the display ${display} is not available`,
    );
  }
  return new CommandError('command_failed', `Cannot ${action} the clipboard: ${err.message}`);
}

/**
 * The CLIPBOARD selection through xsel: other X apps see what we set and we see what they copy.
 * xsel offers UTF8_STRING, STRING and TEXT, so older apps can paste Unicode too.
 */
export function readClipboard(display: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'xsel',
      ['--clipboard', '--output'],
      { env: env(display), timeout: TIMEOUT_MS, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (err, stdout) => {
        if (!err) return resolve(stdout);
        void toolError(display, 'read', err as NodeJS.ErrnoException).then(reject);
      },
    );
  });
}

/**
 * Sets the clipboard and returns once other apps can paste it: xsel's forked owner takes the
 * selection a moment after xsel itself exits, and a paste in between would see the old owner.
 */
export async function writeClipboard(display: string, text: string): Promise<void> {
  await startOwner(display, text);
  const deadline = Date.now() + OWNERSHIP_TIMEOUT_MS;
  // Compared without trailing newlines: some tools add or drop one on the way.
  while ((await readClipboard(display)).replace(/\n$/, '') !== text.replace(/\n$/, '')) {
    if (Date.now() > deadline) {
      throw new CommandError(
        'command_failed',
        'The clipboard did not take the new text (another app may own it)',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function startOwner(display: string, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // xsel forks a process that owns the selection and keeps serving it: wait for xsel's own exit,
    // not for its pipes (the owner inherits them), and leave no pipe of ours to hold it.
    const child = spawn('xsel', ['--clipboard', '--input'], {
      env: env(display),
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new CommandError('timeout', 'Setting the clipboard did not finish in time'));
    }, TIMEOUT_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      void toolError(display, 'set', err).then(reject);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const err = Object.assign(new Error(`xsel exited with ${code}`), { code: 'EXIT' });
      void toolError(display, 'set', err).then(reject);
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(text, 'utf8');
  });
}
