/**
 * Turns `hotkey()` arguments into the key list sent on the wire: `'ctrl+c'` becomes
 * `['ctrl', 'c']`. Splitting here, not on the server, matters for upstream servers, which type
 * a string character by character. A `+` standing alone or doubled (`'ctrl++'`) is the plus key.
 */
export function hotkeyKeys(parts: readonly (string | readonly string[])[]): string[] {
  const keys: string[] = [];
  for (const part of parts) {
    if (typeof part === 'string') keys.push(...splitCombo(part));
    else keys.push(...part);
  }
  return keys;
}

function splitCombo(combo: string): string[] {
  if (combo === '+' || !combo.includes('+')) return [combo];
  const pieces = combo.split('+').map((piece) => piece.trim());
  const keys: string[] = [];
  for (let i = 0; i < pieces.length; i++) {
    // Two empty pieces in a row are the two sides of a literal '+'.
    if (pieces[i] === '' && pieces[i + 1] === '') {
      keys.push('+');
      i++;
    } else {
      keys.push(pieces[i]!);
    }
  }
  return keys;
}
