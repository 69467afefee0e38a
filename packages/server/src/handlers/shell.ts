import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import type { RunCommandResult } from '@cua/computer-protocol';
import { CappedOutput, WireBudget } from '../system/capped-output.js';
import { withoutServerSecrets } from '../system/child-secrets.js';
import { CommandError } from '../core/command-error.js';
import { LIMITS } from '../core/limits.js';
import { shellArgv } from '../system/shell-argv.js';
import {
  killProcessTree,
  newTreeMarker,
  SPAWN_AS_GROUP_LEADER,
  TREE_MARKER_ENV,
} from '../system/process-tree.js';
import type { Handler, HandlerEvent } from './types.js';

/**
 * Per stream, counted as encoded on the wire. Whatever this is, stdout and stderr together are
 * also held to `LIMITS.maxCommandOutputWireBytes`, so the reply stays under the 10 MiB message
 * limit of upstream's Python client.
 */
export const DEFAULT_MAX_OUTPUT_BYTES = LIMITS.maxCommandOutputWireBytes;

/** After the shell exits, pipes quiet for this long are taken as held by a background job. */
const DRAIN_GRACE_MS = 100;
/** A background job that keeps writing delays the reply by at most this. */
const MAX_DRAIN_MS = 2000;
/** A killed tree exits at once; this bounds the wait should a process resist (e.g. in D state). */
const KILL_GRACE_MS = 1000;
/** Characters of a command quoted in an error text. */
const MAX_QUOTED_CHARS = 200;
/** setTimeout fires at once above this; such a timeout is "never" for practical purposes. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ShellHandlerOptions {
  /** Wire bytes kept of each of stdout and stderr; the rest is read and dropped. */
  maxOutputBytes: number;
  /** The commands' environment (with the DISPLAY the server drives); the server's by default. */
  env?: NodeJS.ProcessEnv;
}

export function shellHandlers(options: ShellHandlerOptions): {
  run_command: Handler<'run_command'>;
} {
  return {
    run_command: (params, ctx) =>
      runCommand(
        params.command,
        params.timeout ?? undefined,
        options.maxOutputBytes,
        ctx.signal,
        params.stream === true ? ctx.emit : undefined,
        options.env ?? process.env,
      ),
  };
}

/** Forwards the kept text of one stream as `output` events: they add up to the reply's text. */
function outputEvents(
  stream: HandlerEvent['stream'],
  emit: ((event: HandlerEvent) => void) | undefined,
): (data: string) => void {
  return (data) => {
    if (emit && data !== '') emit({ event: 'output', stream, data });
  };
}

type Ending =
  | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'spawn_error'; error: Error }
  | { kind: 'unresponsive' };

async function runCommand(
  command: string,
  timeoutSeconds: number | undefined,
  maxOutputBytes: number,
  signal: AbortSignal,
  emit: ((event: HandlerEvent) => void) | undefined,
  env: NodeJS.ProcessEnv,
): Promise<RunCommandResult> {
  signal.throwIfAborted();
  const marker = newTreeMarker();
  const child = spawnShell(command, withoutServerSecrets(env, { [TREE_MARKER_ENV]: marker }));
  const both = new WireBudget(LIMITS.maxCommandOutputWireBytes);
  const stdout = new CappedOutput([new WireBudget(maxOutputBytes), both]);
  const stderr = new CappedOutput([new WireBudget(maxOutputBytes), both]);
  const stdoutEvents = outputEvents('stdout', emit);
  const stderrEvents = outputEvents('stderr', emit);
  const pipes = [child.stdout, child.stderr].filter((p): p is Readable => p !== null);
  child.stdout?.on('data', (chunk: Buffer) => stdoutEvents(stdout.push(chunk)));
  child.stderr?.on('data', (chunk: Buffer) => stderrEvents(stderr.push(chunk)));
  // An unhandled 'error' would take the whole server down; the outcome is read from 'exit'.
  for (const pipe of pipes) pipe.on('error', () => undefined);

  let stopped: 'timeout' | 'abort' | undefined;
  let killed: Promise<void> = Promise.resolve();
  let onStopped: () => void = () => undefined;
  const ended = new Promise<Ending>((resolve) => {
    child.once('exit', (code, exitSignal) => resolve({ kind: 'exit', code, signal: exitSignal }));
    child.on('error', (error) => {
      // With a pid the process did start: this is a failed kill, and 'exit' still follows.
      if (child.pid === undefined) resolve({ kind: 'spawn_error', error });
    });
    onStopped = () => setTimeout(() => resolve({ kind: 'unresponsive' }), KILL_GRACE_MS).unref();
  });
  const stop = (reason: 'timeout' | 'abort') => {
    if (stopped !== undefined || child.exitCode !== null || child.signalCode !== null) return;
    stopped = reason;
    killed = killProcessTree(child, marker);
    onStopped();
  };

  const timeoutMs = timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000;
  const timer =
    timeoutMs === undefined || timeoutMs > MAX_TIMER_MS
      ? undefined
      : setTimeout(() => stop('timeout'), timeoutMs);
  const onAbort = () => stop('abort');
  signal.addEventListener('abort', onAbort, { once: true });
  let ending: Ending;
  try {
    ending = await ended;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }

  if (ending.kind === 'spawn_error') {
    for (const pipe of pipes) pipe.destroy();
    throw new CommandError(
      'command_failed',
      `Could not run ${quoted(command)}: ${ending.error.message}`,
    );
  }
  // Processes that left the group (setsid) are found by their marker; the reply waits for that.
  await killed;
  await settlePipes(pipes, stopped !== undefined);
  stdoutEvents(stdout.end());
  stderrEvents(stderr.end());

  const truncated = stdout.truncated || stderr.truncated ? { truncated: true } : {};
  if (stopped === 'timeout') {
    const message = `Command timed out after ${timeoutSeconds}s`;
    const before = stderr.text();
    throw new CommandError('timeout', message, {
      stdout: stdout.text(),
      stderr: before === '' || before.endsWith('\n') ? before + message : `${before}\n${message}`,
      return_code: -1,
      ...truncated,
    });
  }
  if (stopped === 'abort') {
    const reason = signal.reason instanceof Error ? signal.reason.message : 'cancelled';
    throw new CommandError('command_failed', `${quoted(command)} was stopped: ${reason}`);
  }
  return {
    stdout: stdout.text(),
    stderr: stderr.text(),
    return_code: ending.kind === 'exit' ? returnCode(ending.code, ending.signal) : -1,
    ...truncated,
  };
}

function spawnShell(command: string, env: NodeJS.ProcessEnv): ChildProcess {
  const windows = process.platform === 'win32';
  const [file, args] = shellArgv(command);
  try {
    return spawn(file, args, {
      env,
      // A closed stdin: a command that reads it (cat, a pager, a prompt) ends instead of hanging.
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: SPAWN_AS_GROUP_LEADER,
      windowsHide: true,
      windowsVerbatimArguments: windows,
    });
  } catch (err) {
    // Synchronous failures: a NUL byte in the command, no resources left to fork.
    const message = err instanceof Error ? err.message : String(err);
    throw new CommandError('command_failed', `Could not run ${quoted(command)}: ${message}`);
  }
}

/**
 * Waits briefly for the pipes to reach EOF after the shell exits. A background job (`app &`)
 * may hold them open for as long as it lives: its output is then drained and dropped rather
 * than the pipes closed, since a closed pipe would kill it with SIGPIPE on its next write.
 */
async function settlePipes(pipes: Readable[], killed: boolean): Promise<void> {
  const open = pipes.filter((pipe) => !pipe.readableEnded && !pipe.destroyed);
  if (open.length === 0) return;
  let lastDataAt = Date.now();
  const onData = () => (lastDataAt = Date.now());
  for (const pipe of open) pipe.on('data', onData);
  let allClosed = false;
  const closed = Promise.all(
    open.map((pipe) => new Promise<void>((resolve) => pipe.once('close', () => resolve()))),
  ).then(() => (allClosed = true));
  const deadline = Date.now() + MAX_DRAIN_MS;
  // Output the shell wrote before exiting may still sit in the pipes when the event loop is
  // busy: wait until the pipes close, or have been quiet for the grace period (a background
  // job holds them open), checking only after pending reads had their turn (setImmediate).
  while (!allClosed) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      closed,
      new Promise((resolve) => (timer = setTimeout(resolve, DRAIN_GRACE_MS))),
    ]);
    clearTimeout(timer);
    await new Promise((resolve) => setImmediate(resolve));
    if (allClosed || killed) break;
    if (Date.now() - lastDataAt >= DRAIN_GRACE_MS || Date.now() > deadline) break;
  }
  for (const pipe of open) {
    pipe.off('data', onData);
    if (pipe.destroyed) continue;
    if (killed) {
      // Only a process that escaped its group (setsid) can still hold these: let it go.
      pipe.destroy();
      continue;
    }
    pipe.removeAllListeners('data');
    pipe.on('data', () => undefined);
    // The pipe must not keep the server's process alive on shutdown.
    (pipe as Socket).unref?.();
  }
}

/** A command as error texts name it: a 16 MiB command must not make a 16 MiB error. */
function quoted(command: string): string {
  const shown =
    command.length > MAX_QUOTED_CHARS ? `${command.slice(0, MAX_QUOTED_CHARS)}…` : command;
  return `'${shown}'`;
}

/** Upstream (Python) reports a death by signal as minus the signal number. */
function returnCode(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  if (signal !== null) return -(constants.signals[signal] ?? 0) || -1;
  return -1;
}
