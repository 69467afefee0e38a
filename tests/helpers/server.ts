import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import {
  createHandlers,
  createLogger,
  startComputerServer,
  type ComputerServerOptions,
  type HandlerTable,
  type RunningServer,
} from '@cua/computer-server';
import WebSocket from 'ws';

export const CLI_PATH = fileURLToPath(
  new URL('../../packages/server/dist/cli.js', import.meta.url),
);

/**
 * A real server on a free loopback port, quiet unless TEST_LOG_LEVEL is set. Auth and the
 * availability gate are chosen here, never inherited from the machine's environment (CI machines
 * may have CONTAINER_NAME set).
 */
export function startServer(options: ComputerServerOptions = {}): Promise<RunningServer> {
  return startComputerServer({
    host: '127.0.0.1',
    port: 0,
    auth: { mode: 'none' },
    env: {},
    logger: createLogger((process.env.TEST_LOG_LEVEL as 'debug' | undefined) ?? 'silent'),
    ...options,
  });
}

export function handlersWith(overrides: Partial<HandlerTable>): HandlerTable {
  return { ...createHandlers(), ...overrides };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A raw WebSocket that collects every frame, for tests that must see the wire itself. */
export class RawClient {
  readonly frames: Record<string, unknown>[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      this.frames.push(JSON.parse(isBinary ? '{}' : data.toString()) as Record<string, unknown>);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async open(url: string, options?: WebSocket.ClientOptions): Promise<RawClient> {
    const ws = new WebSocket(url, options);
    await once(ws, 'open');
    return new RawClient(ws);
  }

  send(frame: unknown): void {
    this.ws.send(
      typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame),
    );
  }

  /** Resolves once `count` frames in total have arrived. */
  async waitFor(count: number, timeoutMs = 5000): Promise<Record<string, unknown>[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`got ${this.frames.length} of ${count} frames`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.frames.slice(0, count);
  }

  /** Sends one frame and returns the next frame that arrives (within `timeoutMs`). */
  async request(frame: unknown, timeoutMs?: number): Promise<Record<string, unknown>> {
    const before = this.frames.length;
    this.send(frame);
    const frames = await this.waitFor(before + 1, timeoutMs);
    return frames[before]!;
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close();
    await once(this.ws, 'close');
  }
}

/** The CLI as users run it, in its own process. */
/** The environment with every variable that would switch auth or the gate on removed. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of [
    'CONTAINER_NAME',
    'CUA_API_KEYS',
    'CUA_API_KEYS_FILE',
    'CUA_AUTH',
    'UNAVAILABLE_WITHOUT_CONTAINER_NAME',
  ]) {
    delete env[name];
  }
  return { ...env, ...extra };
}

export async function startCli(args: string[], env: NodeJS.ProcessEnv = cleanEnv()) {
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CLI did not start: ${stderr}`)), 10_000);
    const check = () => {
      const match = /listening on (wss?:\/\/\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => reject(new Error(`CLI exited with ${code}: ${stderr}`)));
  });
  return { child, url, output: () => ({ stdout, stderr }) };
}
