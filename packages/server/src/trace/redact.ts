/**
 * What a trace keeps of a command's params and result. Traces are for seeing what an agent did,
 * and they get shared: credentials never go in, file contents and long outputs are summarised,
 * images are stored as files of their own. What an agent typed (`type_text`) is kept: it is
 * what one debugs; don't trace a run that types a password.
 */

const SECRET_KEYS = /^(api_?key|password|passwd|secret|token|authorization|credentials?)$/i;
/** Params that carry file or clipboard contents: replaced by their size. */
const CONTENT_KEYS = new Set(['content', 'content_b64', 'data']);
/** Result fields that carry file contents or output. */
const LONG_TEXT_BYTES = 2000;

function summarise(value: unknown): unknown {
  if (typeof value === 'string') return { omitted: 'contents', length: value.length };
  return { omitted: 'contents' };
}

function clip(text: string): string {
  return text.length <= LONG_TEXT_BYTES
    ? text
    : `${text.slice(0, LONG_TEXT_BYTES)}… (${text.length - LONG_TEXT_BYTES} more characters)`;
}

export function redactParams(params: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params ?? {})) {
    if (SECRET_KEYS.test(key)) out[key] = '[redacted]';
    else if (CONTENT_KEYS.has(key)) out[key] = summarise(value);
    else if (typeof value === 'string') out[key] = clip(value);
    else out[key] = value;
  }
  return out;
}

/** The result without its image (stored apart) and with file contents and outputs cut short. */
export function redactResult(result: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(result)) {
    if (key === 'image_data') out[key] = { omitted: 'image', stored: 'as a screenshot file' };
    else if (key === 'content' || key === 'content_b64') out[key] = summarise(value);
    else if (typeof value === 'string') out[key] = clip(value);
    else out[key] = value;
  }
  return out;
}
