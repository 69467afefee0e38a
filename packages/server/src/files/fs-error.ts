import { CommandError } from '../core/command-error.js';

/** The C library's wording (as upstream's OSError texts) for errors clients meet in practice. */
const DESCRIPTIONS: Record<string, string> = {
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ENOTEMPTY: 'Directory not empty',
  EEXIST: 'File exists',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  ENOSPC: 'No space left on device',
  EDQUOT: 'Disk quota exceeded',
  EROFS: 'Read-only file system',
  EBUSY: 'Device or resource busy',
  EMFILE: 'Too many open files',
  EFBIG: 'File too large',
  EINVAL: 'Invalid argument',
  EIO: 'Input/output error',
  EXDEV: 'Invalid cross-device link',
};

export function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A file system failure as the reply a client gets: `not_found` for a missing path, otherwise
 * `command_failed`, and always the path it was about (Node's own texts name temp files and
 * syscalls, which mean nothing to the caller).
 */
export function fileError(err: unknown, filePath: string): CommandError {
  if (err instanceof CommandError) return err;
  const code = errnoCode(err);
  const description = (code !== undefined ? DESCRIPTIONS[code] : undefined) ?? describe(err);
  const message = `${description}: '${filePath}'`;
  if (code === 'ENOENT') return new CommandError('not_found', message);
  // Node's argument checks, e.g. a NUL byte in the path.
  if (code?.startsWith('ERR_INVALID_ARG')) return new CommandError('invalid_params', message);
  return new CommandError('command_failed', message);
}

/** libuv says `ECODE: what happened, syscall 'path'`; keep "What happened". */
function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const match = /^[A-Z0-9_]+: ([^,]+),/.exec(message);
  if (match === null) return message;
  const text = match[1]!;
  return text.charAt(0).toUpperCase() + text.slice(1);
}
