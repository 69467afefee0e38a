import { createRequire } from 'node:module';

/**
 * Two glibc allocator calls, through koffi (a maintained FFI with prebuilt binaries; Node has no
 * other way to reach them). Encoders allocate frame-sized buffers on libuv's threads, and glibc
 * keeps freed memory in per-thread arenas and, once a large block was freed, raises its mmap
 * threshold so later large blocks come from those arenas too: RSS then stays at its peak after
 * a burst of screenshots. Elsewhere (musl, macOS, Windows, no koffi) both are no-ops.
 */
interface Allocator {
  mallopt(parameter: number, value: number): number;
  mallocTrim(pad: number): number;
}

const M_MMAP_THRESHOLD = -3;
/** glibc's own default, kept fixed instead of growing with the largest block freed. */
const MMAP_THRESHOLD_BYTES = 128 * 1024;

let allocator: Allocator | null | undefined;

function glibc(): Allocator | null {
  if (allocator !== undefined) return allocator;
  allocator = null;
  if (process.platform !== 'linux') return allocator;
  try {
    const koffi = createRequire(import.meta.url)('koffi') as {
      load(name: string): { func(signature: string): (...args: number[]) => number };
    };
    const libc = koffi.load('libc.so.6');
    const mallopt = libc.func('int mallopt(int, int)');
    const mallocTrim = libc.func('int malloc_trim(size_t)');
    allocator = { mallopt, mallocTrim };
  } catch {
    // Not glibc, or koffi has no binary for this platform.
  }
  return allocator;
}

/** Large blocks always come from mmap and go back to the system when freed. Process-wide. */
export function fixMallocMmapThreshold(): void {
  glibc()?.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES);
}

/** Returns the free pages of every arena to the system. */
export function trimMalloc(): void {
  glibc()?.mallocTrim(0);
}
