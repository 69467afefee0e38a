import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import type * as NodePtyModule from '@lydell/node-pty';
import type { Logger } from 'pino';
import { withoutServerSecrets } from '../system/child-secrets.js';
import { CommandError } from '../core/command-error.js';
import { environmentWithDisplay } from '../desktop/environment.js';
import { LIMITS } from '../core/limits.js';
import { newTreeMarker, TREE_MARKER_ENV } from '../system/process-tree.js';
import { posixShellArgv, POSIX_SHELL } from '../system/shell-argv.js';
import { PtySession } from './pty-session.js';

/** The numbers that bound terminals; defaults from LIMITS, tests shorten them. */
export interface PtyLimits {
  maxSessions: number;
  scrollbackBytes: number;
  idleMs: number;
  maxLifetimeMs: number;
  ownerGraceMs: number;
  exitedRetentionMs: number;
  subscriberBufferBytes: number;
}

export const DEFAULT_PTY_LIMITS: PtyLimits = {
  maxSessions: LIMITS.maxPtySessions,
  scrollbackBytes: LIMITS.ptyScrollbackBytes,
  idleMs: LIMITS.ptyIdleMs,
  maxLifetimeMs: LIMITS.ptyMaxLifetimeMs,
  ownerGraceMs: LIMITS.ptyOwnerGraceMs,
  exitedRetentionMs: LIMITS.ptyExitedRetentionMs,
  subscriberBufferBytes: LIMITS.ptySubscriberBufferBytes,
};

/** `POST /pty`'s body, validated: upstream's fields and defaults. */
export interface PtyCreateRequest {
  command?: string | undefined;
  cols: number;
  rows: number;
  cwd?: string | undefined;
  envs?: Record<string, string> | undefined;
}

type NodePty = typeof NodePtyModule;

let nodePty: Promise<NodePty> | undefined;

/** node-pty, loaded on first use: a server that never opens a terminal never loads it. */
export function loadNodePty(): Promise<NodePty> {
  nodePty ??= import('@lydell/node-pty');
  return nodePty;
}

/** Whether this platform's prebuilt pty module loads (for `/status` features). */
export async function ptyAvailable(): Promise<boolean> {
  try {
    await loadNodePty();
    return true;
  } catch {
    return false;
  }
}

export interface PtySessionsOptions {
  /** The display children see (DISPLAY); undefined: the server's environment as it is. */
  display?: string | undefined;
  logger: Logger;
  limits?: Partial<PtyLimits> | undefined;
}

/** Every terminal of one server, and the limits that end them. */
export class PtySessions {
  readonly limits: PtyLimits;
  private readonly sessions = new Map<number, PtySession>();
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly options: PtySessionsOptions) {
    this.limits = { ...DEFAULT_PTY_LIMITS, ...options.limits };
    const shortest = Math.min(
      this.limits.idleMs,
      this.limits.maxLifetimeMs,
      this.limits.ownerGraceMs,
      this.limits.exitedRetentionMs,
    );
    this.sweeper = setInterval(() => this.sweep(), Math.max(50, Math.min(1000, shortest / 4)));
    this.sweeper.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  get(pid: number): PtySession | undefined {
    return this.sessions.get(pid);
  }

  async create(request: PtyCreateRequest): Promise<PtySession> {
    if (this.closed) throw new CommandError('shutting_down', 'The server is stopping');
    const alive = [...this.sessions.values()].filter((s) => s.alive).length;
    if (alive >= this.limits.maxSessions) {
      throw new CommandError(
        'rate_limited',
        `At most ${this.limits.maxSessions} terminal sessions may run at once; delete one first`,
      );
    }
    const cwd = request.cwd ?? homedir();
    if (!existsSync(cwd) || !statSync(cwd).isDirectory()) {
      throw new CommandError('invalid_params', `cwd: ${cwd} is not a directory`);
    }
    const { spawn } = await loadNodePty();
    const marker = newTreeMarker();
    const env = withoutServerSecrets(environmentWithDisplay(this.options.display), {
      TERM: 'xterm-256color',
      ...request.envs,
      [TREE_MARKER_ENV]: marker,
    });
    const [file, args] = shellCommand(request.command, env);
    let pty;
    try {
      pty = spawn(file, args, {
        name: 'xterm-256color',
        cols: request.cols,
        rows: request.rows,
        cwd,
        env,
        encoding: null,
      });
    } catch (err) {
      throw new CommandError(
        'command_failed',
        `Could not start ${file}: ${(err as Error).message}`,
      );
    }
    const session = new PtySession({ pty, marker, scrollbackBytes: this.limits.scrollbackBytes });
    this.sessions.set(session.pid, session);
    this.options.logger.info(
      { pid: session.pid, cols: request.cols, rows: request.rows },
      'pty session started',
    );
    return session;
  }

  /** `DELETE /pty/{pid}`: undefined for a pid that is no session of ours. */
  async delete(pid: number): Promise<boolean | undefined> {
    const session = this.sessions.get(pid);
    if (!session) return undefined;
    this.sessions.delete(pid);
    return session.kill();
  }

  /** Server shutdown: every session and its process tree ends. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((session) => session.kill()));
  }

  private sweep(): void {
    const now = Date.now();
    const { idleMs, maxLifetimeMs, ownerGraceMs, exitedRetentionMs } = this.limits;
    for (const session of this.sessions.values()) {
      if (!session.alive) {
        if (now - session.exitedAt! >= exitedRetentionMs) this.sessions.delete(session.pid);
        continue;
      }
      if (session.subscriberCount > 0) session.touch();
      const reason =
        now - session.startedAt >= maxLifetimeMs
          ? 'lifetime'
          : now - session.lastActivityAt >= idleMs
            ? 'idle'
            : now - session.lastOwnerSeenAt >= ownerGraceMs
              ? 'owner gone'
              : undefined;
      if (reason === undefined) continue;
      this.options.logger.info({ pid: session.pid, reason }, 'pty session ended by its limits');
      // Kept (exited) for the retention time, so a client coming back learns how it ended.
      void session.kill();
    }
  }
}

/**
 * Without a command: the user's login shell, interactive. With one: run by `/bin/sh -c`, as a
 * terminal would run a typed line (upstream passes it to its terminal the same way).
 */
function shellCommand(command: string | undefined, env: NodeJS.ProcessEnv): [string, string[]] {
  if (command !== undefined) return posixShellArgv(command);
  const shell = env.SHELL && existsSync(env.SHELL) ? env.SHELL : undefined;
  return [shell ?? (existsSync('/bin/bash') ? '/bin/bash' : POSIX_SHELL), []];
}
