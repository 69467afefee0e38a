import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

describe('docs and release flow', () => {
  it('the generated tables of README.md and docs/protocol.md match the current registry', () => {
    expect(run('node', ['scripts/commands-table.mjs', '--check'], ROOT)).toContain(
      'current in README.md, docs/protocol.md',
    );
  });

  it('a stale table in docs/protocol.md fails that check', () => {
    const copy = mkdtempSync(join(tmpdir(), 'cua-docs-'));
    try {
      mkdirSync(join(copy, 'docs'));
      copyFileSync(join(ROOT, 'README.md'), join(copy, 'README.md'));
      const doc = readFileSync(join(ROOT, 'docs/protocol.md'), 'utf8');
      // A code whose status changed in the registry but not in the doc.
      const stale = doc.replace('| `timeout` | 504 |', '| `timeout` | 500 |');
      expect(stale).not.toBe(doc);
      writeFileSync(join(copy, 'docs/protocol.md'), stale);
      const result = spawnSync('node', ['scripts/commands-table.mjs', '--check', '--root', copy], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('stale in docs/protocol.md');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('changeset version bumps the three packages together and writes changelogs (dry run in a copy)', () => {
    const copy = mkdtempSync(join(tmpdir(), 'cua-release-'));
    try {
      // A clone holds exactly what is committed, as a release job would see it.
      run('git', ['clone', '--quiet', '--depth', '1', `file://${ROOT}`, copy], ROOT);
      const pending = run(
        'node',
        [join(ROOT, 'node_modules/@changesets/cli/bin.js'), 'status', '--verbose'],
        copy,
      );
      expect(pending).toMatch(/@cua\/computer-server/);
      run('node', [join(ROOT, 'node_modules/@changesets/cli/bin.js'), 'version'], copy);
      const versions = ['protocol', 'server', 'client'].map(
        (name) =>
          (
            JSON.parse(readFileSync(join(copy, 'packages', name, 'package.json'), 'utf8')) as {
              version: string;
            }
          ).version,
      );
      expect(new Set(versions).size).toBe(1);
      expect(versions[0]).not.toBe('0.1.0');
      for (const name of ['protocol', 'server', 'client']) {
        expect(existsSync(join(copy, 'packages', name, 'CHANGELOG.md')), name).toBe(true);
      }
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
