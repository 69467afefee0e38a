import { Accessibility } from '../desktop/a11y/index.js';
import { createDesktop } from '../desktop/create-desktop.js';
import { resolveDisplay } from '../desktop/display.js';
import type { Desktop } from '../desktop/desktop.js';
import { environmentWithDisplay } from '../desktop/environment.js';
import { accessibilityHandlers } from './accessibility.js';
import { batchHandlers } from './batch.js';
import { clipboardHandlers } from './clipboard.js';
import { desktopHandlers } from './desktop.js';
import { filesHandlers } from './files.js';
import { keyboardHandlers } from './keyboard.js';
import { liveViewHandlers } from './live-view.js';
import { metaHandlers } from './meta.js';
import { mouseHandlers } from './mouse.js';
import { observeHandlers, withObservation } from './observe.js';
import { recordingHandlers } from './recording.js';
import { screenHandlers } from './screen.js';
import { scrollHandlers } from './scroll.js';
import { DEFAULT_MAX_OUTPUT_BYTES, shellHandlers } from './shell.js';
import { traceHandlers } from './trace.js';
import type { HandlerTable } from './types.js';
import { unsupportedHandlers } from './unsupported.js';
import { windowsHandlers } from './windows.js';

export interface CreateHandlersOptions {
  /** run_command keeps this much of each of stdout and stderr; default 10 MiB. */
  maxOutputBytes?: number;
  /** The X display to drive; `DISPLAY` by default. */
  display?: string;
  /** Screen, mouse, keyboard and clipboard; by default this machine's, on `display`. */
  desktop?: Desktop;
  /** AT-SPI trees and element actions; by default one on `desktop` (close it with the server). */
  accessibility?: Accessibility;
}

/** The dispatch table: every command of the protocol registry, real or honestly unsupported. */
export function createHandlers(options: CreateHandlersOptions = {}): HandlerTable {
  // Creating a desktop starts nothing: its worker and X connections open on first use.
  const display = resolveDisplay(options.display);
  const desktop = options.desktop ?? createDesktop({ display });
  // Windows, launched apps and desktop tools all see the display this server drives.
  const env = environmentWithDisplay(options.display);
  const accessibility = options.accessibility ?? new Accessibility({ desktop, env });
  // Ours to close: the user's accessibility setting goes back when the server stops.
  if (options.accessibility === undefined) desktop.beforeClose(() => accessibility.close());
  return {
    ...metaHandlers(),
    ...unsupportedHandlers(
      ['diorama_cmd'],
      'diorama is a macOS-only upstream feature, and this server has it on no OS yet',
    ),
    ...accessibilityHandlers(accessibility),
    ...shellHandlers({ maxOutputBytes: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES, env }),
    ...filesHandlers(),
    ...desktopHandlers(desktop, { env }),
    ...windowsHandlers(desktop, { env, accessibility }),
    ...withObservation(desktop, {
      ...mouseHandlers(desktop),
      ...keyboardHandlers(desktop),
      ...scrollHandlers(desktop),
    }),
    ...screenHandlers(desktop),
    ...clipboardHandlers(desktop),
    ...observeHandlers(desktop),
    ...batchHandlers(desktop),
    ...recordingHandlers(desktop, { env }),
    ...liveViewHandlers(desktop),
    ...traceHandlers(desktop, { env }),
  };
}
