import { execFile, type ChildProcess } from 'node:child_process';

const isWindows = process.platform === 'win32';

/**
 * Whether children should be spawned as leaders of their own process group. On POSIX that is
 * what lets `killProcessTree` reach grandchildren; on Windows `detached` would open a new console
 * window instead, and `taskkill /T` walks the tree without it.
 */
export const SPAWN_AS_GROUP_LEADER = !isWindows;

/**
 * Kills a process spawned with `detached: true` and everything in its process group, so a shell's
 * background jobs and pipelines die with it. Never throws: a group already gone is the goal.
 */
export function killProcessTree(child: ChildProcess): void {
  const { pid } = child;
  if (pid === undefined) return;
  if (isWindows) {
    // Fire and forget: taskkill reports "not found" for a tree that already ended.
    execFile('taskkill', ['/pid', String(pid), '/T', '/F'], { windowsHide: true }, () => undefined);
    return;
  }
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
