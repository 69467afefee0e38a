import {
  commands,
  parseParams,
  resolveCommandName,
  unknownCommandMessage,
  type CommandName,
  type ErrorCode,
  type RequestId,
} from '@cua/computer-protocol';
import type { Logger } from 'pino';
import { CommandError } from './command-error.js';
import type {
  Handler,
  HandlerContext,
  HandlerEvent,
  HandlerTable,
  NestedCommands,
  ServerServices,
  SessionState,
} from '../handlers/types.js';
import { InputControl, type TakeoverMode } from './input-control.js';
import { InputQueue } from './input-queue.js';
import { Tracing } from '../trace/tracing.js';

/** The trace's own commands and the frame stream are not actions of the run being traced. */
const UNTRACED = new Set<CommandName>([
  'start_trace',
  'stop_trace',
  'subscribe_frames',
  'unsubscribe_frames',
]);

export type ReplyBody = { success: boolean } & Record<string, unknown>;
export type FailureBody = ReplyBody & { error: string };

export interface DispatchInput {
  command: string;
  params: Record<string, unknown> | undefined;
}

export interface DispatchContext {
  /** Aborted when the connection or request that asked goes away. */
  signal: AbortSignal;
  session: SessionState;
  /** Where the handler's interim events go; absent where the transport cannot carry them. */
  emit?: ((event: HandlerEvent) => void) | undefined;
  /** Holds memory budget until the reply is sent (see HandlerContext.reserveMemory). */
  reserveMemory?: ((bytes: number, signal: AbortSignal) => Promise<void>) | undefined;
  /** Where raw reply bytes go (see HandlerContext.attachBytes); absent unless asked for. */
  attachBytes?: HandlerContext['attachBytes'] | undefined;
  /** Events with an image (see HandlerContext.emitImage); present where `emit` is. */
  emitImage?: HandlerContext['emitImage'] | undefined;
}

export interface DispatcherOptions {
  handlers: HandlerTable;
  /** What other connections' input does while a person has taken control. */
  takeover?: TakeoverMode;
  /** Upper bound for any command; the reply then says `timeout` and the handler is aborted. */
  commandTimeoutMs: number;
  logger: Logger;
}

export function failure(
  code: ErrorCode,
  error: string,
  fields?: Record<string, unknown>,
): FailureBody {
  return { success: false, ...fields, error, code };
}

/** Puts `id` right after `success`, as clients that log frames expect to see it early. */
export function withId(body: ReplyBody, id: RequestId | undefined): ReplyBody {
  if (id === undefined) return body;
  const { success, ...rest } = body;
  return { success, id, ...rest };
}

class TimeoutSignal extends Error {}

/** alias → validate params → handler (on the input queue for input actions) → reply envelope. */
export class Dispatcher {
  private readonly inputQueue = new InputQueue();
  readonly services: ServerServices;

  constructor(private readonly options: DispatcherOptions) {
    this.services = {
      control: new InputControl(options.takeover ?? 'reject'),
      tracing: new Tracing(),
    };
  }

  /** Never throws: every outcome is a reply body. */
  async dispatch(input: DispatchInput, ctx: DispatchContext): Promise<ReplyBody> {
    const prepared = this.prepare(input.command, input.params);
    if (!prepared.ok) return prepared.reply;
    const { name, run } = prepared;
    const trace = this.services.tracing.active;
    const traced = trace && !UNTRACED.has(name) ? await trace.begin(name, input.params) : undefined;
    let reply: ReplyBody;
    try {
      const result = await this.runWithTimeout(name, run, ctx);
      reply = { success: true, ...(result as Record<string, unknown>) };
    } catch (err) {
      reply = this.toFailure(name, err);
    }
    await traced?.(reply);
    return reply;
  }

  /** alias → validate: the handler bound to its params, or the failure reply. */
  private prepare(
    command: string,
    params: Record<string, unknown> | undefined,
  ):
    | { ok: true; name: CommandName; run: (ctx: HandlerContext) => Promise<unknown> }
    | { ok: false; reply: FailureBody; reason: string } {
    const name = resolveCommandName(command);
    if (name === undefined) {
      const error = unknownCommandMessage(command);
      return { ok: false, reply: failure('unknown_command', error), reason: error };
    }
    const parsed = parseParams(name, params);
    if (!parsed.ok) {
      return { ok: false, reply: failure('invalid_params', parsed.error), reason: parsed.issues };
    }
    const handler = this.options.handlers[name] as Handler<CommandName>;
    // async: a handler that throws synchronously still yields a rejected promise.
    const run = async (handlerCtx: HandlerContext) => handler(parsed.params, handlerCtx);
    return { ok: true, name, run };
  }

  /** For batch: commands run in the caller's turn and under its signal, each to a reply. */
  private nested(outer: HandlerContext): NestedCommands {
    const inner: HandlerContext = {
      signal: outer.signal,
      session: outer.session,
      services: this.services,
    };
    if (outer.reserveMemory) inner.reserveMemory = outer.reserveMemory;
    return {
      prepare: (command, params) => {
        const prepared = this.prepare(command, params);
        if (!prepared.ok) return prepared;
        const { name, run } = prepared;
        const runToReply = async () => {
          try {
            return { success: true, ...((await run(inner)) as Record<string, unknown>) };
          } catch (err) {
            return this.toFailure(name, err);
          }
        };
        return { ok: true, name, run: runToReply };
      },
    };
  }

  private async runWithTimeout(
    name: CommandName,
    run: (ctx: HandlerContext) => Promise<unknown>,
    ctx: DispatchContext,
  ): Promise<unknown> {
    const controller = new AbortController();
    const onAbort = () => controller.abort(ctx.signal.reason);
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener('abort', onAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const spec: { longRunning?: true } = commands[name];
    const timedOut = new Promise<never>((_, reject) => {
      // A stream (the live view) runs until its client ends it, or the connection does.
      if (spec.longRunning) return;
      timer = setTimeout(() => {
        const reason = new TimeoutSignal();
        controller.abort(reason);
        reject(reason);
      }, this.options.commandTimeoutMs);
    });
    // Closed once the outcome is decided: a handler that lost the race to the timeout may still
    // produce output, and no event may follow its request's reply.
    let open = true;
    const handlerCtx: HandlerContext = {
      signal: controller.signal,
      session: ctx.session,
      services: this.services,
    };
    const { emit, reserveMemory, attachBytes, emitImage } = ctx;
    if (emitImage) {
      handlerCtx.emitImage = (event, image) => (open ? emitImage(event, image) : Promise.resolve());
    }
    if (attachBytes) {
      handlerCtx.attachBytes = (field, bytes) => {
        if (open) attachBytes(field, bytes);
      };
    }
    if (reserveMemory) {
      handlerCtx.reserveMemory = (bytes) => reserveMemory(bytes, controller.signal);
    }
    if (emit) {
      handlerCtx.emit = (event) => {
        if (open) emit(event);
      };
    }
    // An input command holds the queue until it settles or lets it go (observe's wait).
    const task =
      commands[name].kind === 'input'
        ? this.admitInput(ctx.session, controller.signal).then(() =>
            this.inputQueue.run((release) => {
              handlerCtx.releaseInput = release;
              handlerCtx.nested = this.nested(handlerCtx);
              return run(handlerCtx);
            }),
          )
        : run(handlerCtx);
    try {
      return await Promise.race([task, timedOut]);
    } finally {
      open = false;
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      // A handler that lost the race may still reject later; that rejection is expected.
      task.catch(() => undefined);
    }
  }

  /** While a person has control, other connections' input is refused or waits (takeover). */
  private admitInput(session: SessionState, signal: AbortSignal): Promise<void> {
    return this.services.control.admit(session, signal);
  }

  private toFailure(name: CommandName, err: unknown): ReplyBody {
    if (err instanceof TimeoutSignal) {
      const seconds = this.options.commandTimeoutMs / 1000;
      return failure('timeout', `${name} did not finish within ${seconds}s`);
    }
    if (err instanceof CommandError) return failure(err.code, err.message, err.fields);
    const message = err instanceof Error ? err.message : String(err);
    this.options.logger.error({ command: name, err }, 'command failed unexpectedly');
    return failure('internal', message || `${name} failed`);
  }
}
