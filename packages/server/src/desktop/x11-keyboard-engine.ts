import type { KeyboardEngine } from './linux-desktop.js';
import { X11Keyboard } from './x11/index.js';

/** The keyboard on an X display: XTest with temporary keysym bindings (exact for any text). */
export async function openX11Keyboard(display: string): Promise<KeyboardEngine> {
  return X11Keyboard.open({ display });
}
