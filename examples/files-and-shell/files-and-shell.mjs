// Moves a file to the target, runs a command on it there, and brings the result back.
//
//   node examples/files-and-shell/files-and-shell.mjs [input.txt] [result.txt]
//
// Without an input file it makes one. The command sorts the lines and drops duplicates; the
// checksum the target computes proves the upload arrived intact. CUA_URL says where the server
// is (default ws://127.0.0.1:8000/ws).
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { Computer } from '@cua/computer-client';

const url = process.env.CUA_URL || 'ws://127.0.0.1:8000/ws';
const [input, output = 'result.txt'] = process.argv.slice(2);

const data = input
  ? await readFile(input)
  : new TextEncoder().encode('pear\napple\nfig\napple\nbanana\npear\n');
console.log(`input: ${input ?? '(sample)'}, ${data.length} bytes`);

/** Single-quotes a path for the target's POSIX shell. */
const sh = (value) => `'${value.replaceAll("'", "'\\''")}'`;

const computer = new Computer({ url });
let dir;
try {
  // A fresh directory on the target: its /tmp, not ours (it may be another machine).
  const made = await computer.runCommand('mktemp -d /tmp/cua-files-XXXXXX');
  if (made.returnCode !== 0) throw new Error(`mktemp failed: ${made.stderr.trim()}`);
  dir = made.stdout.trim();
  console.log(`target directory: ${dir}`);

  // Bytes, not text: any file survives the trip unchanged (big ones go in chunks).
  await computer.writeBytes(`${dir}/input.txt`, data);

  // The shell does the work on the target; a non-zero exit is a result, not an exception.
  const run = await computer.runCommand(
    `cd ${sh(dir)} && LC_ALL=C sort -u input.txt > sorted.txt && ` +
      'sha256sum input.txt && wc -l < sorted.txt',
    { timeout: 30 },
  );
  if (run.returnCode !== 0) throw new Error(`the command failed: ${run.stderr.trim()}`);
  const [sumLine, count] = run.stdout.trim().split('\n');
  const remoteSum = sumLine.split(/\s+/)[0];
  const localSum = createHash('sha256').update(data).digest('hex');
  const verdict = remoteSum === localSum ? 'matches the local file' : 'DIFFERS from the local file';
  console.log(`sha256 on the target: ${remoteSum} (${verdict})`);
  console.log(`unique lines: ${count.trim()}`);

  const result = await computer.readBytes(`${dir}/sorted.txt`);
  await writeFile(output, result);
  console.log(`downloaded: ${output}, ${result.length} bytes`);
  if (remoteSum !== localSum) process.exitCode = 1;
} catch (error) {
  console.error(`files-and-shell failed: ${error.message}`);
  process.exitCode = 1;
} finally {
  // Leave nothing behind on the target.
  if (dir) await computer.runCommand(`rm -rf ${sh(dir)}`).catch(() => {});
  await computer.close();
}
