import type { CommandName, CommandResult, ResolvedParams } from '@cua/computer-protocol';

/** Per-connection state a handler may read or keep (e.g. the last screenshot's scale). */
export interface SessionState {
  /** How the last screenshot maps to the screen, for the coordinate helpers. */
  lastScreenshot?: { scale: number; offsetX: number; offsetY: number };
}

export interface HandlerContext {
  /** Aborted when the command times out or its connection goes away. */
  signal: AbortSignal;
  session: SessionState;
}

export type Handler<N extends CommandName> = (
  params: ResolvedParams<N>,
  ctx: HandlerContext,
) => Promise<CommandResult<N>> | CommandResult<N>;

/** One handler per command of the registry: a missing one does not compile. */
export type HandlerTable = { [N in CommandName]: Handler<N> };
