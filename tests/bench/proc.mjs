// What the bench reads of the server's processes, from /proc: no process spawns, since a sampler
// that spawned would block the very client whose latency it runs beside.
import { readdirSync, readFileSync } from 'node:fs';

/** The direct children of `pid`. */
export function childPids(pid) {
  const pids = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const list = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8');
      pids.push(...list.split(' ').filter(Boolean).map(Number));
    }
  } catch {
    // gone
  }
  return pids;
}

/** Resident memory of `pid` and its direct children, in KiB. */
export function rssKb(pid) {
  let total = 0;
  for (const p of [pid, ...childPids(pid)]) {
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))[1]);
    } catch {
      // gone
    }
  }
  return total;
}
