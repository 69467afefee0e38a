import { CommandError } from '../core/command-error.js';

const OUTSIDE_ALPHABET = /[^A-Za-z0-9+/=]/;
const PADDING_AT_END = /^[^=]*={0,2}$/;

/**
 * Standard base64 with padding. Whitespace (line-wrapped encoders) is ignored; anything else
 * outside the alphabet is refused rather than silently dropped as upstream's decoder does, so a
 * base64url or corrupted payload cannot turn into a file with the wrong bytes.
 */
export function decodeStrictBase64(text: string, field: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  const bad = OUTSIDE_ALPHABET.exec(compact);
  if (bad !== null) {
    throw new CommandError(
      'invalid_params',
      `${field}: Invalid base64 character ${JSON.stringify(bad[0])} at position ${bad.index}`,
    );
  }
  if (compact.length % 4 !== 0 || !PADDING_AT_END.test(compact)) {
    throw new CommandError('invalid_params', `${field}: Incorrect padding`);
  }
  return Buffer.from(compact, 'base64');
}
