import { execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';

const isWindows = process.platform === 'win32';

/**
 * Whether children should be spawned as leaders of their own process group. On POSIX that is
 * what lets `killProcessTree` reach grandchildren; on Windows `detached` would open a new console
 * window instead, and `taskkill /T` walks the tree without it.
 */
export const SPAWN_AS_GROUP_LEADER = !isWindows;

/**
 * Set in a command's environment, with a value of its own: every descendant inherits it, also
 * one that left the process group with `setsid` and was reparented to init, so the tree can be
 * found again by reading /proc/<pid>/environ.
 */
export const TREE_MARKER_ENV = 'CUA_COMMAND_TREE';

export function newTreeMarker(): string {
  return randomBytes(12).toString('hex');
}

/** A marked tree is searched again this often, for processes forked while it was being killed. */
const MARKER_ROUNDS = 3;

/**
 * Kills a process spawned with `detached: true`, everything in its process group (a shell's
 * background jobs and pipelines), and on Linux every process carrying its tree marker (those
 * that escaped the group with setsid or a double fork). Never throws: a tree already gone is
 * the goal. Resolves once the marked processes have been sent SIGKILL.
 */
export async function killProcessTree(child: ChildProcess, marker?: string): Promise<void> {
  const { pid } = child;
  if (pid === undefined) return;
  if (isWindows) {
    // Fire and forget: taskkill reports "not found" for a tree that already ended.
    execFile('taskkill', ['/pid', String(pid), '/T', '/F'], { windowsHide: true }, () => undefined);
    return;
  }
  killGroup(child, pid);
  if (marker === undefined || process.platform !== 'linux') return;
  for (let round = 0; round < MARKER_ROUNDS; round += 1) {
    const marked = await findMarked(marker);
    if (marked.length === 0) return;
    for (const found of marked) signal(found, 'SIGKILL');
  }
}

function killGroup(child: ChildProcess, pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: no process of the group is left. Fall back to the leader alone in case the group
    // could not be addressed (EPERM after a setpgid by the child, say).
    try {
      child.kill('SIGKILL');
    } catch {
      // Already reaped.
    }
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone already, or not ours.
  }
}

/** Processes (other than this one) whose environment holds `TREE_MARKER_ENV=marker`. */
export async function findMarked(marker: string): Promise<number[]> {
  const needle = Buffer.from(`${TREE_MARKER_ENV}=${marker}\0`);
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return [];
  }
  const pids = entries.filter((name) => /^\d+$/.test(name)).map(Number);
  const found = await Promise.all(
    pids.map(async (pid) => {
      if (pid === process.pid) return undefined;
      // Unreadable (another user's, or gone): not one of ours.
      const environ = await readFile(`/proc/${pid}/environ`).catch(() => undefined);
      if (environ === undefined) return undefined;
      const at = environ.indexOf(needle);
      // Whole variable only: at the start or right after a NUL.
      return at === 0 || (at > 0 && environ[at - 1] === 0) ? pid : undefined;
    }),
  );
  return found.filter((pid): pid is number => pid !== undefined);
}
