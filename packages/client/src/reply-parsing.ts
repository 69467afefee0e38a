// From a reply frame to a command's typed result: the failure thrown as the server's, anything
// the protocol does not allow thrown as `invalid_reply`.
import type { CommandName, CommandResult } from '@cua/computer-protocol';
import { readReplyEnvelope } from '@cua/computer-protocol/wire';
import { decodeBase64 } from './base64.js';
import { ComputerError } from './errors.js';
import { RESULT_SHAPES } from './result-shapes.js';
import { checkShape } from './shape.js';
import type { RawReply } from './transport.js';

/** The error for a reply the protocol does not allow: the client's `invalid_reply`. */
function invalidReply(command: string, problem: string): ComputerError {
  return new ComputerError(command, {
    success: false,
    code: 'invalid_reply',
    error: `The server's reply to ${command} ${problem}`,
  });
}

/**
 * Turns a reply into the command's typed result, or throws the server's failure. Results are
 * checked against shapes compiled from the protocol's schemas (see result-shapes.ts).
 */
export function parseReply<N extends CommandName>(name: N, reply: RawReply): CommandResult<N> {
  const envelope = readReplyEnvelope(reply);
  if (envelope.kind === 'failure') throw new ComputerError(name, reply);
  if (envelope.kind !== 'success') {
    const problem = envelope.kind === 'invalid' ? envelope.problem : 'no success field';
    throw invalidReply(name, `is not a reply (${problem})`);
  }
  const { success: _success, id: _id, ...fields } = reply;
  const checked = checkShape(RESULT_SHAPES[name], fields);
  if (!checked.ok) {
    throw invalidReply(name, `does not match the protocol: ${checked.issues.join('; ')}`);
  }
  return checked.value as CommandResult<N>;
}

/** Bytes a reply carries as base64. */
export function decodeReplyBytes(command: string, text: string): Uint8Array {
  try {
    return decodeBase64(text);
  } catch (err) {
    throw invalidReply(command, `is not valid base64: ${(err as Error).message}`);
  }
}
