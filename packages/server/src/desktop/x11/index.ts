// The low-level X11 pieces the backend is built from, for tools and benchmarks that want raw
// frames or their own connection (the server itself goes through the Desktop interface).
export { X11Capture, type PooledFrame } from './capture.js';
export { X11Connection, type X11ConnectionOptions } from './x11-connection.js';
