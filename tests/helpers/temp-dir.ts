import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/**
 * A fresh folder under the system's temporary directory for the tests of one file, removed
 * with everything in it after them. Call it before `useDesktopServer` to have it outlive the
 * server (vitest runs `afterAll` hooks in reverse order).
 */
export function useTempDir(prefix: string): { readonly path: string } {
  let path: string | undefined;
  beforeAll(() => {
    path = mkdtempSync(join(tmpdir(), prefix));
  });
  afterAll(() => {
    if (path) rmSync(path, { recursive: true, force: true });
  });
  return {
    get path() {
      if (path === undefined) throw new Error('the temporary folder is made in beforeAll');
      return path;
    },
  };
}
