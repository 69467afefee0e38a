import { CommandError } from '../command-error.js';
import type { KeyboardEngine } from './linux-desktop.js';

// Replaced by the XTest engine when it lands.
export async function openX11Keyboard(_display: string): Promise<KeyboardEngine> {
  throw new CommandError('unsupported', 'keyboard input is not implemented yet');
}
