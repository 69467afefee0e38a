import { CommandError } from '../core/command-error.js';
import type { Desktop } from '../desktop/desktop.js';
import { TraceRecorder, type TraceOptions } from './trace-recorder.js';

/** The server's one trace, if one runs: the dispatcher records every command into it. */
export class Tracing {
  private current: TraceRecorder | undefined;

  get active(): TraceRecorder | undefined {
    return this.current;
  }

  async start(desktop: Desktop, options: TraceOptions): Promise<TraceRecorder> {
    if (this.current !== undefined) {
      throw new CommandError(
        'command_failed',
        `A trace is already running (${this.current.dir}): stop it first`,
      );
    }
    const recorder = await TraceRecorder.start(desktop, options);
    this.current = recorder;
    return recorder;
  }

  async stop(): Promise<Awaited<ReturnType<TraceRecorder['stop']>>> {
    const recorder = this.current;
    if (recorder === undefined) throw new CommandError('not_found', 'No trace is running');
    this.current = undefined;
    return recorder.stop();
  }
}
