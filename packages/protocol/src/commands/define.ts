import type { z } from 'zod';

export const COMMAND_GROUPS = [
  'meta',
  'diorama',
  'accessibility',
  'shell',
  'files',
  'desktop',
  'windows',
  'mouse',
  'keyboard',
  'scroll',
  'screen',
  'clipboard',
  'agent',
  'observability',
] as const;
export type CommandGroup = (typeof COMMAND_GROUPS)[number];

/**
 * How the server may schedule a command: `input` actions share one global queue so two agents
 * never interleave keystrokes; `read` commands may run concurrently with anything; `effect`
 * commands change the machine but not the input devices.
 */
export type CommandKind = 'input' | 'read' | 'effect';

export interface CommandSpec<
  P extends z.ZodObject = z.ZodObject,
  R extends z.ZodObject = z.ZodObject,
  G extends CommandGroup = CommandGroup,
  K extends CommandKind = CommandKind,
> {
  group: G;
  kind: K;
  description: string;
  params: P;
  result: R;
  /** Not in upstream's registry: our addition, or a command upstream clients call but never got. */
  extension?: true;
  /** Runs until its client ends it (a stream): the server's command timeout does not apply. */
  longRunning?: true;
}

/**
 * Keeps each command's group and kind as literal types, so `CommandsOfGroup<G>` and
 * `CommandsOfKind<K>` can select by them.
 */
export function defineCommand<
  P extends z.ZodObject,
  R extends z.ZodObject,
  const G extends CommandGroup,
  const K extends CommandKind,
>(spec: CommandSpec<P, R, G, K>): CommandSpec<P, R, G, K> {
  return spec;
}
