import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));

/** The modules a module loads at run time (type-only imports are erased), followed. */
function runtimeModules(file: string, seen = new Map<string, string>()): Map<string, string> {
  if (seen.has(file)) return seen;
  const text = readFileSync(join(SRC, file), 'utf8');
  seen.set(file, text);
  const specifiers = /^(?:import|export)(?! type)[^;]*?from '([^']+)'/gms;
  for (const [, specifier] of text.matchAll(specifiers)) {
    if (specifier!.startsWith('./'))
      runtimeModules(specifier!.slice(2).replace(/\.js$/, '.ts'), seen);
    else seen.set(specifier!, '');
  }
  return seen;
}

describe('the wire entry', () => {
  it('loads no zod, so the browser client can bundle it', () => {
    const modules = [...runtimeModules('wire.ts').keys()];
    expect(modules).toContain('reply-envelope.ts');
    expect(modules.filter((name) => !name.endsWith('.ts'))).toEqual([]);
  });
});
