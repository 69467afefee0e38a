export { startVirtualDisplay, type VirtualDisplay, type VirtualDisplayOptions } from './xvfb.js';
