/**
 * Variables that hold the server's own credentials (or say where they are). A command run for a
 * client must not see them: `run_command "env"` would hand any user every key of the server.
 */
export const SERVER_SECRET_ENV_NAMES: readonly string[] = [
  'CUA_API_KEYS',
  'CUA_API_KEYS_FILE',
  'CUA_API_KEY',
];

/** A copy of `env` without the server's secrets, plus `extra`. */
export function withoutServerSecrets(
  env: NodeJS.ProcessEnv,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const copy: NodeJS.ProcessEnv = { ...env };
  for (const name of SERVER_SECRET_ENV_NAMES) delete copy[name];
  return { ...copy, ...extra };
}
