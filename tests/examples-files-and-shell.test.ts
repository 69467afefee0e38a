import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useDesktopServer } from './helpers/desktop-server.js';
import { useTempDir } from './helpers/temp-dir.js';
import { runExample } from './helpers/examples.js';

const SCRIPT = 'examples/files-and-shell/files-and-shell.mjs';

const tmp = useTempDir('cua-files-example-');
const ctx = useDesktopServer();

/** What `LC_ALL=C sort -u` makes of these lines (byte order equals UTF-16 order below U+D800). */
function sortedUnique(text: string): string {
  const lines = text.split('\n').filter((line, i, all) => i < all.length - 1 || line !== '');
  return `${[...new Set(lines)].sort().join('\n')}\n`;
}

/** Runs the example on a file and checks what it printed, downloaded and left behind. */
async function roundTrip(input: Buffer) {
  const inputPath = join(tmp.path, `input-${input.length}.txt`);
  const outputPath = join(tmp.path, `result-${input.length}.txt`);
  writeFileSync(inputPath, input);
  const run = await runExample(
    SCRIPT,
    [inputPath, outputPath],
    { CUA_URL: ctx.server.url },
    {
      timeoutMs: 40_000,
    },
  );
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);

  const expected = sortedUnique(input.toString('utf8'));
  const sha = createHash('sha256').update(input).digest('hex');
  expect(run.stdout).toContain(`input: ${inputPath}, ${input.length} bytes`);
  expect(run.stdout).toContain(`sha256 on the target: ${sha} (matches the local file)`);
  expect(run.stdout).toContain(`unique lines: ${expected.split('\n').length - 1}`);
  expect(run.stdout).toContain(`downloaded: ${outputPath}, ${Buffer.byteLength(expected)} bytes`);
  expect(readFileSync(outputPath).equals(Buffer.from(expected, 'utf8'))).toBe(true);

  // The example cleaned up its directory on the target (here, this machine).
  const remote = /^target directory: (\/tmp\/cua-files-\w+)$/m.exec(run.stdout);
  expect(remote, run.stdout).not.toBeNull();
  expect(existsSync(remote![1]!)).toBe(false);
}

describe('examples/files-and-shell', () => {
  it('uploads a file, sorts it on the target, downloads the exact result', async () => {
    await roundTrip(Buffer.from('delta\nalpha\nécho\ncharlie\nalpha\nbravo ✓\ndelta\n', 'utf8'));
  }, 60_000);

  it('carries files above the 5 MiB chunking threshold both ways', async () => {
    // 200 000 distinct lines of 33 bytes: 6.6 MB up and 6.6 MB back, in 1 MiB chunks.
    const lines = Array.from({ length: 200_000 }, () => randomBytes(16).toString('hex'));
    await roundTrip(Buffer.from(`${lines.join('\n')}\n`, 'utf8'));
  }, 60_000);

  it('makes its own sample when given no file', async () => {
    const cwd = mkdtempSync(join(tmp.path, 'cwd-'));
    const run = await runExample(SCRIPT, [], { CUA_URL: ctx.server.url }, { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('input: (sample), 33 bytes');
    expect(run.stdout).toContain('(matches the local file)');
    // The default output path is relative to where it ran.
    expect(readFileSync(join(cwd, 'result.txt'), 'utf8')).toBe('apple\nbanana\nfig\npear\n');
  });
});
