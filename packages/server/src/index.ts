export {
  startComputerServer,
  DEFAULTS,
  type ComputerServerOptions,
  type RunningServer,
} from './server.js';
export {
  Dispatcher,
  type ReplyBody,
  type DispatchContext,
  type DispatchInput,
} from './core/dispatcher.js';
export { createHandlers } from './handlers/index.js';
export type { Handler, HandlerContext, HandlerTable, SessionState } from './handlers/types.js';
export { CommandError } from './core/command-error.js';
export { createLogger, type LogLevel } from './logger.js';
export { PACKAGE_VERSION, SERVER_FEATURES } from './package-info.js';
export {
  startVirtualDisplay,
  type VirtualDisplay,
  type VirtualDisplayOptions,
} from './desktop/index.js';
export { CHROMIUM_ARGS } from './transports/playwright-browser.js';
export { createDesktop, type DesktopBackend } from './desktop/create-desktop.js';
export type { Desktop, DesktopCapabilities } from './desktop/desktop.js';
export { encodeFrame } from './desktop/media/encode-image.js';
export { X11Capture, X11Connection, type PooledFrame } from './desktop/x11/index.js';
