import { constants, type Stats } from 'node:fs';
import { CommandError } from '../core/command-error.js';

/**
 * Flags for opening a client's path. O_NONBLOCK: opening a FIFO must not wait for its other end
 * (a blocked open holds one of libuv's four pool threads forever, and with them every later
 * file command and DNS lookup). O_NOCTTY: a terminal device must not become ours.
 */
export const OPEN_READ_FLAGS =
  constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);
export const OPEN_APPEND_FLAGS =
  constants.O_WRONLY |
  constants.O_APPEND |
  constants.O_CREAT |
  (constants.O_NONBLOCK ?? 0) |
  (constants.O_NOCTTY ?? 0);
export const OPEN_WRITE_DEVICE_FLAGS =
  constants.O_WRONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/**
 * FIFOs and sockets are refused: their data has no end and no size, and waiting on them would
 * hold the server's I/O threads. Devices are allowed (non-blocking, within the size limits), so
 * `/dev/null` and a bounded `/dev/urandom` read still work.
 */
export function refuseStreamFile(stats: Stats, filePath: string): void {
  const kind = stats.isFIFO() ? 'a FIFO (named pipe)' : stats.isSocket() ? 'a socket' : undefined;
  if (kind === undefined) return;
  throw new CommandError(
    'invalid_params',
    `'${filePath}' is ${kind}, not a regular file: file commands do not wait on pipes or sockets`,
  );
}
