// Node entry: the same API, with a WebSocket from `ws` (Node 20 has no global WebSocket).
import WebSocket from 'isomorphic-ws';
import { Computer as BaseComputer } from './computer.js';
import type { ComputerOptions } from './computer-types.js';

export * from './index.js';

export class Computer extends BaseComputer {
  constructor(options: ComputerOptions = {}) {
    super({
      createWebSocket: (url) => new WebSocket(url, { perMessageDeflate: false }),
      ...options,
    });
  }
}
