// Apart from keys.ts, whose key tables the browser client has no use for: it needs only this.

/**
 * Splits a hotkey into individual key names. A string is split on `+`; a `+` that stands alone
 * between separators (or at either end) is the plus key itself, so `'ctrl++'` is ctrl and plus.
 * A blank slot that is not part of such a pair is kept as `''` so that resolution rejects it
 * instead of silently dropping a key the caller meant to send. A string without `+` is one key,
 * kept as given (`' '` is the space key).
 */
export function splitHotkey(keys: string | readonly string[]): string[] {
  if (typeof keys !== 'string') return [...keys];
  if (!keys.includes('+')) return [keys];
  const parts = keys.split('+').map((part) => part.trim());
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    // Two adjacent blank slots are the two sides of a literal '+' key.
    if (part === '' && i + 1 < parts.length && parts[i + 1] === '') {
      out.push('+');
      i++;
    } else {
      out.push(part);
    }
  }
  return out;
}
