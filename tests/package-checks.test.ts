import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PNPM = join(ROOT, '.tools/node_modules/.bin/pnpm');

describe.each(['protocol', 'server', 'client'])('@cua/computer-%s as published', (name) => {
  const dir = join(ROOT, 'packages', name);

  it('passes publint and @arethetypeswrong/cli', () => {
    const run = spawnSync(PNPM, ['run', 'check:package'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('All good');
    expect(run.stdout).not.toMatch(/🔴|❌|Problems found/);
  }, 150_000);

  it('carries the metadata users look at', () => {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    for (const field of [
      'description',
      'keywords',
      'license',
      'repository',
      'engines',
      'exports',
      'files',
    ]) {
      expect(pkg[field], field).toBeTruthy();
    }
    expect(pkg.engines).toEqual({ node: '>=20' });
    expect(pkg.files).toEqual(['dist']);
    if (name === 'server') expect(pkg.bin).toEqual({ 'computer-server': './dist/cli.js' });
  });
});
