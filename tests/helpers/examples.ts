import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: examples run from here, as their READMEs say. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The environment an example runs in: ours without any CUA_* variable (a developer's own
 * CUA_URL or CUA_API_KEY must not leak into a test), plus `extra`.
 */
export function exampleEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('CUA_')) env[name] = value;
  }
  return { ...env, ...extra };
}

/** `node <script> ...args` from `cwd` in `exampleEnv(env)`, its stdout and stderr collected. */
function spawnNode(script: string, args: string[], env: Record<string, string>, cwd: string) {
  const child = spawn(process.execPath, [script, ...args], {
    cwd,
    env: exampleEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, output: () => ({ stdout, stderr }) };
}

export interface ExampleRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Killed (and the run fails) after this long; below vitest's 20 s test timeout by default. */
  timeoutMs?: number;
  /** Where it runs; the repository root unless said otherwise. */
  cwd?: string;
}

/**
 * Runs `node <script> ...args` (the script relative to the repository root), as a user would,
 * and waits for it to exit.
 */
export async function runExample(
  script: string,
  args: string[] = [],
  env: Record<string, string> = {},
  { timeoutMs = 15_000, cwd = REPO_ROOT }: RunOptions = {},
): Promise<ExampleRun> {
  const { child, output } = spawnNode(resolve(REPO_ROOT, script), args, env, cwd);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  const { stdout, stderr } = output();
  if (signal === 'SIGKILL') {
    throw new Error(`${script} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`);
  }
  return { code, signal, stdout, stderr };
}

export interface RunningExample {
  child: ChildProcess;
  /** The first match of the pattern the example printed when it was ready. */
  match: RegExpExecArray;
  output(): { stdout: string; stderr: string };
  /** SIGTERM, then SIGKILL if it has not exited within two seconds. */
  stop(): Promise<void>;
}

/** Starts a long-running example (a server) and waits until its stdout matches `ready`. */
export async function startExample(
  script: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 15_000,
): Promise<RunningExample> {
  const { child, output } = spawnNode(script, args, env, REPO_ROOT);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const match = await new Promise<RegExpExecArray>((resolve, reject) => {
      const fail = () => reject(new Error(`${script} not ready: ${output().stderr}`));
      const timer = setTimeout(fail, timeoutMs);
      const check = () => {
        const found = ready.exec(output().stdout);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      };
      child.stdout.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${script} exited with ${code}: ${output().stderr}`));
      });
    });
    return { child, match, output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
