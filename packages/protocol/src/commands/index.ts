import type { z } from 'zod';
import { accessibilityCommands } from './accessibility.js';
import { batchCommands } from './batch.js';
import { clipboardCommands } from './clipboard.js';
import type { CommandGroup, CommandKind, CommandSpec } from './define.js';
import { desktopCommands } from './desktop.js';
import { dioramaCommands } from './diorama.js';
import { filesCommands } from './files.js';
import { keyboardCommands } from './keyboard.js';
import { liveViewCommands } from './live-view.js';
import { metaCommands } from './meta.js';
import { mouseCommands } from './mouse.js';
import { observeCommands } from './observe.js';
import { recordingCommands } from './recording.js';
import { screenCommands } from './screen.js';
import { scrollCommands } from './scroll.js';
import { shellCommands } from './shell.js';
import { traceCommands } from './trace.js';
import { windowsCommands } from './windows.js';

/** Every command but batch, which is built from them. */
const actionCommands = {
  ...metaCommands,
  ...dioramaCommands,
  ...accessibilityCommands,
  ...shellCommands,
  ...filesCommands,
  ...desktopCommands,
  ...windowsCommands,
  ...mouseCommands,
  ...keyboardCommands,
  ...scrollCommands,
  ...screenCommands,
  ...clipboardCommands,
  ...observeCommands,
  ...recordingCommands,
  ...liveViewCommands,
  ...traceCommands,
} as const satisfies Record<string, CommandSpec>;

/** The registry, in upstream's order (`GET /commands` lists it so); extensions sit in their group. */
export const commands = {
  ...actionCommands,
  ...batchCommands(actionCommands),
} as const satisfies Record<string, CommandSpec>;

export type Commands = typeof commands;
export type CommandName = keyof Commands;

/** Upstream's 12 aliases: the name a client may send → the command it means. */
export const aliases = {
  type: 'type_text',
  key: 'press_key',
  tap: 'left_click',
  click: 'left_click',
  shell: 'run_command',
  exec: 'run_command',
  read_file: 'read_text',
  write_file: 'write_text',
  ls: 'list_dir',
  mkdir: 'create_dir',
  rm: 'delete_file',
  rmdir: 'delete_dir',
} as const satisfies Record<string, CommandName>;
export type AliasName = keyof typeof aliases;

/** What a caller may send (defaults optional, `null` accepted on the wire). */
export type CommandParams<N extends CommandName> = z.input<Commands[N]['params']>;
/** What a handler receives: validated, with upstream defaults filled in. */
export type ResolvedParams<N extends CommandName> = z.output<Commands[N]['params']>;
/** The result fields of a success reply (beside `success`). */
export type CommandResult<N extends CommandName> = z.output<Commands[N]['result']>;

export type CommandsOfGroup<G extends CommandGroup> = {
  [N in CommandName]: Commands[N]['group'] extends G ? N : never;
}[CommandName];

export type CommandsOfKind<K extends CommandKind> = {
  [N in CommandName]: Commands[N]['kind'] extends K ? N : never;
}[CommandName];

export const COMMAND_NAMES = Object.keys(commands) as CommandName[];
export const ALIAS_NAMES = Object.keys(aliases) as AliasName[];

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commands, name);
}

/** Alias resolution then lookup; `undefined` for a name that is neither. */
export function resolveCommandName(name: string): CommandName | undefined {
  if (isCommandName(name)) return name;
  if (Object.hasOwn(aliases, name)) return aliases[name as AliasName];
  return undefined;
}

/**
 * Upstream's rule (up to 5 names, commands then aliases, that share the first 2 letters or
 * contain the input), except that names containing the whole input come first: for a typo like
 * `screensho` the intended name leads instead of trailing four `scroll*` names.
 */
export function suggestCommands(input: string, limit = 5): string[] {
  const needle = input.toLowerCase();
  if (needle.length === 0) return [];
  const prefix = needle.slice(0, 2);
  const names = [...COMMAND_NAMES, ...ALIAS_NAMES] as string[];
  const containing = names.filter((name) => name.includes(needle));
  const sharingPrefix = names.filter((name) => name.startsWith(prefix) && !name.includes(needle));
  return [...containing, ...sharingPrefix].slice(0, limit);
}

export function unknownCommandMessage(input: string): string {
  const near = suggestCommands(input);
  return near.length > 0
    ? `Unknown command: ${input}. Did you mean: ${near.join(', ')}?`
    : `Unknown command: ${input}`;
}

export function commandSpec<N extends CommandName>(name: N): Commands[N] {
  return commands[name];
}
