/** The POSIX shell every command line is run by (upstream's `subprocess` with `shell=True`). */
export const POSIX_SHELL = '/bin/sh';

/**
 * `/bin/sh -c <script> [$0 $1 …]`: `positional` become the script's `$0`, `$1`, … so values reach
 * it without being quoted into its text.
 */
export function posixShellArgv(
  script: string,
  positional: readonly string[] = [],
): [string, string[]] {
  return [POSIX_SHELL, ['-c', script, ...positional]];
}

/**
 * The file and arguments that run one command line in the platform's shell: what Node's own
 * `shell: true` runs, spelled out so spawn options (a process group, verbatim arguments on
 * Windows) apply to the shell itself.
 */
export function shellArgv(command: string, platform = process.platform): [string, string[]] {
  if (platform === 'win32')
    return [process.env.ComSpec ?? 'cmd.exe', ['/d', '/s', '/c', `"${command}"`]];
  return posixShellArgv(command);
}
