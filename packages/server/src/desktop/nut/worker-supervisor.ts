import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { CommandError } from '../../core/command-error.js';
import { displayReachable, noDisplayError } from '../display.js';
import { environmentWithDisplay } from '../environment.js';
import type { WorkerMethod, WorkerMethods, WorkerReady, WorkerReply } from './worker-protocol.js';

export interface WorkerSupervisorOptions {
  display: string | undefined;
  logger: Logger;
  callTimeoutMs?: number;
  startTimeoutMs?: number;
  /** The built worker script; defaults to dist/desktop-worker.js beside this bundle. */
  workerPath?: string;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface RunningWorker {
  child: ChildProcess;
  pending: Map<number, Pending>;
}

/**
 * Runs the nut-js worker in a child process and restarts it on demand. While the display is gone,
 * every call fails fast with `display_unavailable`; once it is back, the next call starts a fresh
 * worker, so the server recovers by itself.
 */
export class WorkerSupervisor {
  private worker: RunningWorker | undefined;
  private starting: Promise<RunningWorker> | undefined;
  private nextId = 1;
  private closed = false;
  private readonly workerPath: string;

  constructor(private readonly options: WorkerSupervisorOptions) {
    this.workerPath =
      options.workerPath ?? fileURLToPath(new URL('./desktop-worker.js', import.meta.url));
  }

  async call<M extends WorkerMethod>(
    method: M,
    ...args: WorkerMethods[M]['args']
  ): Promise<WorkerMethods[M]['result']> {
    const worker = await this.ensureWorker();
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const timeoutMs = this.options.callTimeoutMs ?? 15_000;
      const timer = setTimeout(() => {
        worker.pending.delete(id);
        // A worker that stops answering is wedged (e.g. a hung X connection): replace it.
        worker.child.kill('SIGKILL');
        reject(
          new CommandError(
            'display_unavailable',
            `The desktop did not answer ${method} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      worker.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      worker.child.send({ id, method, args });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker ?? (await this.starting?.catch(() => undefined));
    if (worker && worker.child.exitCode === null) {
      const exited = new Promise((resolve) => worker.child.once('exit', resolve));
      worker.child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 1000).unref())]);
      worker.child.kill('SIGKILL');
    }
  }

  private ensureWorker(): Promise<RunningWorker> {
    if (this.closed)
      return Promise.reject(new CommandError('shutting_down', 'The server is stopping'));
    if (this.worker) return Promise.resolve(this.worker);
    this.starting ??= this.start().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async start(): Promise<RunningWorker> {
    const { display, logger } = this.options;
    if (!display) throw noDisplayError();
    if (!(await displayReachable(display))) {
      throw new CommandError(
        'display_unavailable',
        `The display ${display} is not available: its X server is not running`,
      );
    }
    const child = fork(this.workerPath, [], {
      env: environmentWithDisplay(display),
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    const worker: RunningWorker = { child, pending: new Map() };

    const ready = await new Promise<WorkerReady>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new CommandError(
            'display_unavailable',
            `The desktop backend did not start on ${display}`,
          ),
        );
      }, this.options.startTimeoutMs ?? 15_000);
      child.once('message', (message: WorkerReady) => {
        clearTimeout(timer);
        resolve(message);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new CommandError(
            'display_unavailable',
            `The desktop backend could not use the display ${display} (exit ${signal ?? code})${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`,
          ),
        );
      });
    });
    logger.info(
      { display, pid: child.pid, width: ready.width, height: ready.height },
      'desktop worker ready',
    );

    child.on('message', (message: WorkerReply) => {
      const pending = worker.pending.get(message.id);
      if (!pending) return;
      worker.pending.delete(message.id);
      clearTimeout(pending.timer);
      if (message.ok) pending.resolve(message.result);
      else pending.reject(new CommandError('command_failed', message.error));
    });
    child.on('exit', (code, signal) => {
      if (this.worker === worker) this.worker = undefined;
      if (!this.closed) logger.warn({ display, code, signal }, 'desktop worker exited');
      const error = new CommandError(
        'display_unavailable',
        `The desktop backend stopped (${signal ?? `exit ${code}`}): the display ${display} may have gone away`,
      );
      for (const pending of worker.pending.values()) {
        clearTimeout(pending.timer);
        pending.reject(error);
      }
      worker.pending.clear();
    });
    this.worker = worker;
    return worker;
  }
}
