/**
 * Every child process this process starts while counting, whatever API started it: `spawn`,
 * `exec`, `execFile` and `fork` all end in the `process_wrap` binding's `Process#spawn`, and the
 * `*Sync` variants in `spawn_sync.spawn`. Wrapping those two (rather than the `node:child_process`
 * module's exports) also catches callers that imported the functions by name before counting
 * began. Only this process: worker processes count their own.
 */
export interface SpawnCounter {
  /** The commands started so far, as `file arg1 arg2 …`. */
  readonly commands: readonly string[];
  /** Puts the bindings back; later spawns are not counted. */
  stop(): void;
}

interface SpawnOptions {
  file?: string;
  args?: readonly string[];
}

interface ProcessWrapBinding {
  Process: { prototype: { spawn(this: unknown, options: SpawnOptions): number } };
}

interface SpawnSyncBinding {
  spawn(options: SpawnOptions): unknown;
}

type Binding = (name: string) => unknown;

function binding<T>(name: string): T {
  // Deprecated for general use (DEP0111), but still the one door every spawn goes through.
  return (process as unknown as { binding: Binding }).binding(name) as T;
}

export function countSpawns(): SpawnCounter {
  const commands: string[] = [];
  const record = (options: SpawnOptions) => {
    const args = options.args ?? [options.file ?? '?'];
    commands.push(args.join(' '));
  };
  const wrap = binding<ProcessWrapBinding>('process_wrap').Process.prototype;
  const sync = binding<SpawnSyncBinding>('spawn_sync');
  // The bindings' own methods, to call with the right `this` in the wrappers below.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const originalSpawn = wrap.spawn;
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const originalSync = sync.spawn;
  wrap.spawn = function (this: unknown, options: SpawnOptions) {
    record(options);
    return originalSpawn.call(this, options);
  };
  sync.spawn = (options: SpawnOptions) => {
    record(options);
    return originalSync.call(sync, options);
  };
  return {
    commands,
    stop() {
      wrap.spawn = originalSpawn;
      sync.spawn = originalSync;
    },
  };
}
