import type { Logger } from 'pino';
import { createLogger } from '../logger.js';
import type { Desktop } from './desktop.js';
import { NutDesktop } from './nut/nut-desktop.js';
import { X11Desktop } from './x11/x11-desktop.js';

export const DESKTOP_BACKENDS = ['x11', 'nut'] as const;
export type DesktopBackend = (typeof DESKTOP_BACKENDS)[number];

export interface CreateDesktopOptions {
  display: string | undefined;
  /** `x11` on Linux and the BSDs, `nut` (nut-js) elsewhere, unless chosen. */
  backend?: DesktopBackend;
  logger?: Logger;
}

export function defaultBackend(): DesktopBackend {
  return process.platform === 'darwin' || process.platform === 'win32' ? 'nut' : 'x11';
}

/**
 * This machine's desktop. Nothing is started here: connections and worker processes open on
 * first use, so a server without a display still serves everything else.
 */
export function createDesktop(options: CreateDesktopOptions): Desktop {
  const backend = options.backend ?? defaultBackend();
  switch (backend) {
    case 'x11':
      return new X11Desktop({ display: options.display });
    case 'nut':
      return new NutDesktop({
        display: options.display,
        logger: options.logger ?? createLogger('silent'),
      });
  }
}
