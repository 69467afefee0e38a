// HTTP refusals (4xx/5xx) of `POST /cmd` and `/pty`, as client errors. The code is the body's
// when it has one, else the protocol's for the status: nothing here reads the message's words.
import { codeForHttpStatus } from '@cua/computer-protocol/wire';
import { AuthenticationError, ComputerError } from './errors.js';

export interface Refusal {
  message: string;
  code: string | undefined;
}

/** The `{detail, code}` body of a refusal (`error` for `detail` on some routes); else undefined. */
export function readRefusal(body: string): Refusal | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { detail, error, code } = parsed as Record<string, unknown>;
  const message =
    typeof detail === 'string' ? detail : typeof error === 'string' ? error : undefined;
  if (message === undefined) return undefined;
  return { message, code: typeof code === 'string' ? code : undefined };
}

/** 401 is the credentials' fault (an AuthenticationError); any other status the call's. */
export function refusalError(
  command: string,
  status: number,
  { message, code = codeForHttpStatus(status) }: Refusal,
): AuthenticationError | ComputerError {
  if (status === 401) return new AuthenticationError(message, code);
  return new ComputerError(command, { success: false, error: message, code, status });
}
