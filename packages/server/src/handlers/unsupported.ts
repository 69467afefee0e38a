import type { CommandName } from '@cua/computer-protocol';
import { unsupported } from '../core/command-error.js';
import type { Handler } from './types.js';

/**
 * Handlers that answer `code: "unsupported"` with an honest reason: for commands whose real
 * implementation does not exist on this server (yet), never a made-up result.
 */
export function unsupportedHandlers<N extends CommandName>(
  names: readonly N[],
  reason: string,
): { [K in N]: Handler<K> } {
  const table = {} as { [K in N]: Handler<K> };
  for (const name of names) {
    table[name] = () => unsupported(`${name} is not supported: ${reason}`);
  }
  return table;
}
