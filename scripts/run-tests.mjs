// Runs every test in one vitest run and ends with a plain `N passed, N failed` line that any CI
// log reader understands, whatever vitest's own summary looks like.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

mkdirSync('.test-results', { recursive: true });
const report = '.test-results/vitest.json';
const run = spawnSync(
  'pnpm',
  [
    'exec',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);

let summary;
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  summary = {
    passed: json.numPassedTests,
    failed: json.numFailedTests + (json.numRuntimeErrorTestSuites ?? 0),
    skipped: json.numPendingTests + json.numTodoTests,
  };
} catch {
  summary = undefined;
}
if (summary) {
  console.log(
    `\ntests: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`,
  );
}
process.exit(run.status ?? 1);
