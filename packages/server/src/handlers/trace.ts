import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError } from '../core/command-error.js';
import type { Desktop } from '../desktop/desktop.js';
import { resolveUserPath } from '../files/user-path.js';
import type { Handler, HandlerContext } from './types.js';

function tracingOf(ctx: HandlerContext) {
  if (ctx.services === undefined) throw new CommandError('internal', 'No server services here');
  return ctx.services.tracing;
}

/** `start_trace` / `stop_trace`: the server's one trace (see trace/trace-recorder.ts). */
export function traceHandlers(
  desktop: Desktop,
  options: { env: NodeJS.ProcessEnv },
): { start_trace: Handler<'start_trace'>; stop_trace: Handler<'stop_trace'> } {
  return {
    start_trace: async ({ path, video }, ctx) => {
      const dir = path
        ? resolveUserPath(path)
        : join(tmpdir(), `cua-trace-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      await mkdir(dir, { recursive: true });
      const recorder = await tracingOf(ctx).start(desktop, { dir, video, env: options.env });
      return { path: recorder.dir };
    },
    stop_trace: async (_params, ctx) => {
      const { path, actions } = await tracingOf(ctx).stop();
      return { path, viewer: join(path, 'index.html'), actions };
    },
  };
}
