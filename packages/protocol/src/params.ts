import type { z } from 'zod';
import { commands, type CommandName, type ResolvedParams } from './commands/index.js';

export type ParseParamsResult<N extends CommandName> =
  | { ok: true; params: ResolvedParams<N> }
  | {
      ok: false;
      error: string;
      /** `error` without the command's name in front, for a message that names it otherwise. */
      issues: string;
    };

/**
 * The Python client sends `null` for every param it leaves unset; upstream treats that as absent.
 * Built with fromEntries: assigning a `__proto__` key would set the prototype instead, and the
 * schema would then read params through it that the client never sent as params.
 */
function dropNulls(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== null));
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** One readable line naming each bad param, e.g. `y: required; x: expected number`. */
function describeIssues(error: z.ZodError, input: unknown): string {
  const parts = error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const missing = issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined;
    const message = missing ? 'required' : issue.message;
    return path ? `${path}: ${message}` : message;
  });
  return parts.join('; ');
}

/** E.g. `Invalid params for move_cursor: y: required`. */
export function formatIssues(name: string, error: z.ZodError, input: unknown): string {
  return `Invalid params for ${name}: ${describeIssues(error, input)}`;
}

/**
 * Validates wire params against the command's schema. Unknown extra params are dropped (clients
 * send extras, as upstream tolerates); wrong types fail with a message naming the param.
 */
export function parseParams<N extends CommandName>(
  name: N,
  raw: Record<string, unknown> | undefined,
): ParseParamsResult<N> {
  const schema = commands[name].params as unknown as z.ZodType<ResolvedParams<N>>;
  const input = dropNulls(raw ?? {});
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, params: result.data };
  const issues = describeIssues(result.error, input);
  return { ok: false, error: `Invalid params for ${name}: ${issues}`, issues };
}
