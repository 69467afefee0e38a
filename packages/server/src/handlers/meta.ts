import { PROTOCOL_VERSION } from '@cua/computer-protocol';
import { PACKAGE_VERSION, SERVER_FEATURES } from '../package-info.js';
import type { Handler } from './types.js';

export function metaHandlers(): { version: Handler<'version'> } {
  return {
    version: () => ({
      protocol: PROTOCOL_VERSION,
      package: PACKAGE_VERSION,
      features: [...SERVER_FEATURES],
    }),
  };
}
