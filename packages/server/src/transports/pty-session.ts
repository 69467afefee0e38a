import type { ChildProcess } from 'node:child_process';
import type { IPty } from '@lydell/node-pty';
import { killProcessTree } from '../system/process-tree.js';
import { Scrollback } from './pty-scrollback.js';

/** Where one session's output and end go: a `/stream` response or a `/pty/{pid}/ws` socket. */
export interface PtySubscriber {
  output(data: Buffer): void;
  exit(code: number): void;
}

export interface PtySessionOptions {
  pty: IPty;
  /** The value of the tree marker in the shell's environment (see system/process-tree.ts). */
  marker: string;
  scrollbackBytes: number;
  now?: () => number;
}

/** Upstream's code for a session ended by `DELETE /pty/{pid}` (and by our limits). */
export const KILLED_EXIT_CODE = -1;

/**
 * One terminal: a shell on a pseudo-terminal, its recent output, and whoever listens. The shell's
 * whole process tree (background jobs, setsid escapees) ends with it.
 */
export class PtySession {
  readonly pid: number;
  readonly startedAt: number;
  private readonly pty: IPty;
  private readonly marker: string;
  private readonly scrollback: Scrollback;
  private readonly subscribers = new Set<PtySubscriber>();
  private readonly now: () => number;
  private code: number | undefined;
  private ended: Promise<void> | undefined;
  /** Last input, output or resize. */
  lastActivityAt: number;
  /** Last moment its owner was known to be there: a subscriber, or a request naming it. */
  lastOwnerSeenAt: number;
  exitedAt: number | undefined;

  constructor(options: PtySessionOptions) {
    this.pty = options.pty;
    this.pid = options.pty.pid;
    this.marker = options.marker;
    this.scrollback = new Scrollback(options.scrollbackBytes);
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.lastActivityAt = this.startedAt;
    this.lastOwnerSeenAt = this.startedAt;
    // With `encoding: null` node-pty hands out the bytes as they came (Buffers).
    this.pty.onData((data: string | Buffer) => this.onOutput(data));
    this.pty.onExit(({ exitCode, signal }) => {
      this.finish(signal ? -signal : exitCode);
      // Jobs the shell left behind (`sleep 100 &`, nohup) end with it.
      void this.killTree();
    });
  }

  get cols(): number {
    return this.pty.cols;
  }

  get rows(): number {
    return this.pty.rows;
  }

  get exitCode(): number | undefined {
    return this.code;
  }

  get alive(): boolean {
    return this.code === undefined;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  info(): { pid: number; cols: number; rows: number } {
    return { pid: this.pid, cols: this.cols, rows: this.rows };
  }

  write(data: Buffer): void {
    if (!this.alive || data.length === 0) return;
    this.lastActivityAt = this.now();
    // node-pty writes what it is given to the master side; a Buffer keeps arbitrary bytes intact.
    this.pty.write(data as unknown as string);
  }

  resize(cols: number, rows: number): void {
    if (!this.alive) return;
    this.lastActivityAt = this.now();
    this.pty.resize(cols, rows);
  }

  /**
   * Adds a subscriber. With `replay` it first gets the scrollback; a session that already ended
   * then reports its exit code at once. Returns the function that detaches it.
   */
  attach(subscriber: PtySubscriber, replay = true): () => void {
    this.lastOwnerSeenAt = this.now();
    if (replay && this.scrollback.sizeBytes > 0) subscriber.output(this.scrollback.contents());
    if (!this.alive) {
      subscriber.exit(this.code!);
      return () => undefined;
    }
    this.subscribers.add(subscriber);
    return () => {
      if (this.subscribers.delete(subscriber)) this.lastOwnerSeenAt = this.now();
    };
  }

  /** The owner is still there (a request named this session). */
  touch(): void {
    this.lastOwnerSeenAt = this.now();
  }

  /**
   * Ends the session: its whole process tree is killed, subscribers get exit `-1` (as upstream's
   * DELETE sends). False if it had already ended.
   */
  async kill(): Promise<boolean> {
    const wasAlive = this.alive;
    this.finish(KILLED_EXIT_CODE);
    await this.killTree();
    return wasAlive;
  }

  private onOutput(data: string | Buffer): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    this.lastActivityAt = this.now();
    this.scrollback.push(bytes);
    for (const subscriber of this.subscribers) subscriber.output(bytes);
  }

  private finish(code: number): void {
    if (this.code !== undefined) return;
    this.code = code;
    this.exitedAt = this.now();
    const subscribers = [...this.subscribers];
    this.subscribers.clear();
    for (const subscriber of subscribers) subscriber.exit(code);
  }

  private killTree(): Promise<void> {
    // node-pty's child is a session leader (setsid), so its pid is also its process group:
    // killProcessTree needs only the pid and a fallback kill for the leader.
    const leader = {
      pid: this.pid,
      kill: (signal?: NodeJS.Signals) => {
        this.pty.kill(signal);
        return true;
      },
    } as unknown as ChildProcess;
    this.ended ??= killProcessTree(leader, this.marker);
    return this.ended;
  }
}
