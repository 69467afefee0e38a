import { CommandError } from '../../core/command-error.js';

/**
 * An X11 window id from the wire: a number, or a string in decimal or `0x` hex (upstream compares
 * ids as strings, so `123` and `"123"` are the same window).
 */
export function parseWindowId(input: string | number): number {
  const text = String(input).trim();
  let value = Number.NaN;
  if (/^0x[0-9a-f]+$/i.test(text)) value = Number.parseInt(text.slice(2), 16);
  else if (/^\d+$/.test(text)) value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0 || value > 0xffffffff) {
    const got = JSON.stringify(input);
    throw new CommandError(
      'invalid_params',
      `window_id must be an X11 window id (a number, or hex such as 0x1c00007), got ${got}`,
    );
  }
  return value;
}

export function formatWindowId(id: number): string {
  return `0x${id.toString(16)}`;
}

export function windowNotFound(id: number): CommandError {
  return new CommandError('not_found', `Window not found: ${formatWindowId(id)} (${id})`);
}
