import { type Command, InvalidArgumentError, Option } from 'commander';
import { DESKTOP_BACKENDS, defaultBackend } from './desktop/create-desktop.js';

// Option parsers and options shared by `computer-server` and `computer-server mcp`. A module of
// its own: cli.ts runs the server when imported.

export function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port 0..65535');
  return n;
}

export function screenSize(value: string): { width: number; height: number } {
  const match = /^(\d+)x(\d+)$/.exec(value);
  if (!match) throw new InvalidArgumentError('WIDTHxHEIGHT, e.g. 1280x800');
  return { width: Number(match[1]), height: Number(match[2]) };
}

export function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a positive number of seconds');
  return n;
}

const SIZE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `16777216`, `16MiB`, `16M`, `512k`. */
export function size(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i.exec(value.trim());
  const n = match ? Number(match[1]) * SIZE_UNITS[match[2]!.toLowerCase()]! : NaN;
  if (!Number.isFinite(n) || n < 1024) {
    throw new InvalidArgumentError('a size of at least 1KiB, e.g. 16MiB or 16777216');
  }
  return Math.floor(n);
}

/** `--display`, `--backend`, `--xvfb` and `--screen-size`: which desktop a command drives. */
export function addDesktopOptions(program: Command, xvfbHelp: string): Command {
  return program
    .option('--display <display>', 'X display to drive (env DISPLAY)', process.env.DISPLAY)
    .addOption(
      new Option('--backend <backend>', 'desktop backend: x11 speaks X11 itself; nut uses nut-js')
        .choices(DESKTOP_BACKENDS)
        .default(defaultBackend())
        .env('CUA_BACKEND'),
    )
    .option('--xvfb', xvfbHelp)
    .option('--screen-size <WxH>', 'size of the --xvfb display', screenSize, {
      width: 1280,
      height: 800,
    });
}
