import type {
  BinaryField,
  CommandName,
  CommandResult,
  OutputEvent,
  ResolvedParams,
} from '@cua/computer-protocol';
import type { InputControl } from '../core/input-control.js';
import type { Tracing } from '../trace/tracing.js';

/** Per-connection state a handler may read or keep (e.g. the last screenshot's scale). */
export interface SessionState {
  /** How the last screenshot maps to the screen, for the coordinate helpers. */
  lastScreenshot?: { scale: number; offsetX: number; offsetY: number };
  /** Aborted when the connection closes; absent for one-request transports (`/cmd`). */
  connectionSignal?: AbortSignal;
}

/** What every handler of one server shares (the dispatcher's own). */
export interface ServerServices {
  /** Who may send input (takeover). */
  control: InputControl;
  /** The trace every command is recorded into while one runs. */
  tracing: Tracing;
}

/** An interim event of the `stream` extension, before the session stamps the request's id. */
export type HandlerEvent = Omit<OutputEvent, 'id'>;

export interface HandlerContext {
  /** Aborted when the command times out or its connection goes away. */
  signal: AbortSignal;
  session: SessionState;
  /**
   * Sends an interim event for this request ahead of its reply. Present only where the client
   * can tell events from replies: a `/ws` request with an `id`. Never on `/cmd`, whose body is
   * exactly one event, and never for id-less requests, whose clients take any frame as a reply.
   * Calls after the handler's reply is decided (e.g. once it timed out) are dropped.
   */
  emit?: (event: HandlerEvent) => void;
  /**
   * Holds `bytes` of the connection's and the server's memory budget until this request's reply
   * has been sent, first waiting while the budgets are spent. Handlers call it before a large
   * allocation (a file read), so many requests at once cannot exhaust the machine.
   */
  reserveMemory?: (bytes: number) => Promise<void>;
  /**
   * Sends `bytes` raw beside the reply (the `binary-images` extension) instead of base64 in
   * `field`, which the handler then leaves empty. Present only when the client asked for it.
   */
  attachBytes?: (field: BinaryField, bytes: Uint8Array) => void;
  /**
   * Present in an input command's turn on the global input queue: lets the queue go on to the
   * next input once this one's action is done and only waiting remains (the settle of observe).
   */
  releaseInput?: () => void;
  /** Present for `batch`: validates commands and runs them inside this command's turn. */
  nested?: NestedCommands;
  /**
   * Sends an event with an image (`image_data`) ahead of the reply, raw in a binary frame when
   * the client asked for that, and resolves once it was written: a stream waits on it, so a
   * slow reader gets fewer frames, not a queue. Present where `emit` is.
   */
  emitImage?: (event: Record<string, unknown>, image: Uint8Array) => Promise<void>;
  /** The server's shared services; present whenever the dispatcher runs the handler. */
  services?: ServerServices;
}

/** A reply body as the dispatcher builds it (`success`, then the result or the failure). */
export type NestedReply = { success: boolean } & Record<string, unknown>;

export type PreparedCommand =
  | { ok: true; name: CommandName; run: () => Promise<NestedReply> }
  | {
      ok: false;
      reply: NestedReply & { error: string };
      /** Why, without naming the command as `error` does: for a message that names it otherwise. */
      reason: string;
    };

export interface NestedCommands {
  /** Name and params checked as a request's would be; `run` never throws. */
  prepare(command: string, params: Record<string, unknown> | undefined): PreparedCommand;
}

export type Handler<N extends CommandName> = (
  params: ResolvedParams<N>,
  ctx: HandlerContext,
) => Promise<CommandResult<N>> | CommandResult<N>;

/** One handler per command of the registry: a missing one does not compile. */
export type HandlerTable = { [N in CommandName]: Handler<N> };
