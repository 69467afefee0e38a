import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { trimMalloc } from './native-memory.js';

let collect: (() => void) | null | undefined;

/**
 * A full garbage collection, so the megabytes a load test left in V8's old space (strings of
 * replies long sent) go back to the system instead of waiting for V8 to feel pressure, then the
 * allocator's free pages (encoders' buffers) too. Exposing `gc` after start-up works for
 * contexts created afterwards; if it ever does not, only the trim runs. For the CLI only: a
 * library must not change its embedder's V8 flags.
 */
export function reclaimMemory(): void {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  collect?.();
  trimMalloc();
}
