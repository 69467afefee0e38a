import { execFile } from 'node:child_process';
import { CommandError } from '../../core/command-error.js';
import { noDisplayError } from '../display.js';

/** One tool call; a wedged tool must not hold a command for the full command timeout. */
export const DEFAULT_TOOL_TIMEOUT_MS = 5000;

const PACKAGE_OF: Record<string, string> = {
  xwallpaper: 'xwallpaper',
  feh: 'feh',
  hsetroot: 'hsetroot',
  display: 'imagemagick',
  gsettings: 'libglib2.0-bin',
};

export interface RunToolOptions {
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
}

/** A tool that ran and exited non-zero: callers may accept some exits as they know the tool. */
export class ToolExitError extends CommandError {
  constructor(
    message: string,
    readonly exitCode: string | number | null | undefined,
    readonly stderr: string,
  ) {
    super('command_failed', message);
  }
}

interface ExecFailure extends Error {
  code?: string | number | null;
  killed?: boolean;
  stderr?: string;
}

/**
 * Runs a desktop tool on the server's display (DISPLAY from `env`, required, and a UTF-8 locale)
 * and returns its stdout. Failures become CommandErrors: a missing tool `unsupported`, a display
 * that cannot be reached `display_unavailable`, anything else `command_failed` with the first line
 * of stderr, or `exit code N` when there is none.
 */
export async function runTool(
  tool: string,
  args: readonly string[],
  options: RunToolOptions,
): Promise<string> {
  const display = options.env.DISPLAY;
  if (display === undefined || display === '') throw noDisplayError(`run ${tool}`);
  const env = { ...options.env, DISPLAY: display, LC_ALL: 'C.UTF-8' };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  try {
    return await new Promise<string>((resolve, reject) => {
      execFile(
        tool,
        args,
        {
          env,
          encoding: 'utf8',
          timeout: timeoutMs,
          killSignal: 'SIGKILL',
          maxBuffer: 16 * 1024 * 1024,
          signal: options.signal,
          windowsHide: true,
        },
        (error, stdout, stderr) => {
          if (error === null) resolve(stdout);
          else reject(Object.assign(error as Error, { stderr }));
        },
      );
    });
  } catch (err) {
    throw toolError(tool, args, err as ExecFailure, display, timeoutMs);
  }
}

function toolError(
  tool: string,
  args: readonly string[],
  err: ExecFailure,
  display: string,
  timeoutMs: number,
): CommandError {
  if (err.code === 'ENOENT') {
    const pkg = PACKAGE_OF[tool];
    const hint = pkg === undefined ? '' : ` (Debian package ${pkg})`;
    return new CommandError('unsupported', `${tool} is not installed on the server${hint}`);
  }
  if (err.name === 'AbortError') {
    return new CommandError('command_failed', `${tool} was stopped: the command was cancelled`);
  }
  if (err.killed === true) {
    return new CommandError('timeout', `${tool} did not answer within ${timeoutMs} ms`);
  }
  const stderr = err.stderr ?? '';
  if (/open display|connection to .* broken/i.test(stderr)) {
    return new CommandError('display_unavailable', `Cannot connect to the X display ${display}`);
  }
  const detail = stderr.trim().split('\n')[0] || `exit code ${String(err.code)}`;
  return new ToolExitError(`${tool} ${args.join(' ')} failed: ${detail}`, err.code, stderr);
}
