import { homedir } from 'node:os';
import path from 'node:path';

/**
 * A client's path as the server's file system sees it: `~` and `~/…` are the server user's home
 * (as upstream's `expanduser`; `~otheruser` is not expanded), relative paths are taken from the
 * server's working directory.
 */
export function resolveUserPath(input: string): string {
  let expanded = input;
  if (input === '~') {
    expanded = homedir();
  } else if (input.startsWith('~/') || (path.sep === '\\' && input.startsWith('~\\'))) {
    expanded = path.join(homedir(), input.slice(2));
  }
  return path.resolve(expanded);
}
