import type { Logger } from 'pino';
import { createLogger } from '../logger.js';
import type { Desktop } from './desktop.js';
import { LinuxDesktop, type KeyboardEngine } from './linux-desktop.js';

export interface CreateDesktopOptions {
  display: string | undefined;
  logger?: Logger;
}

/** This machine's desktop. Only X11 is implemented; nut-js would carry the rest to macOS/Windows. */
export function createDesktop(options: CreateDesktopOptions): Desktop {
  return new LinuxDesktop({
    display: options.display,
    logger: options.logger ?? createLogger('silent'),
    openKeyboard,
  });
}

async function openKeyboard(display: string): Promise<KeyboardEngine> {
  const { openX11Keyboard } = await import('./x11-keyboard-engine.js');
  return openX11Keyboard(display);
}
