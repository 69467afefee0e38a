import type { CommandParams, CommandResult } from '@cua/computer-protocol';
import { encodeBase64 } from './base64.js';
import type { CallOptions } from './call-options.js';
import { TimeoutError } from './errors.js';
import { decodeReplyBytes } from './reply-parsing.js';

/** Above this, files move in chunks, as both upstream SDKs do, so no frame nears a size limit. */
export const CHUNK_THRESHOLD_BYTES = 5 * 1024 * 1024;
export const CHUNK_BYTES = 1024 * 1024;

type FileCommand = 'read_bytes' | 'write_bytes' | 'get_file_size';

export type InvokeFileCommand = <N extends FileCommand>(
  name: N,
  params: CommandParams<N>,
  options: CallOptions,
) => Promise<CommandResult<N>>;

/**
 * Call options for each request of a multi-request operation: the caller's `timeoutMs` bounds
 * the whole operation, not each request.
 */
function stepper(options: CallOptions): () => CallOptions {
  if (options.timeoutMs === undefined) return () => options;
  const { timeoutMs } = options;
  const deadline = Date.now() + timeoutMs;
  return () => {
    const left = deadline - Date.now();
    if (left <= 0) throw new TimeoutError(`The transfer did not finish within ${timeoutMs} ms`);
    return { ...options, timeoutMs: left };
  };
}

/** Reads `length` bytes (default: to the end) from `offset`, in chunks for large files. */
export async function readFileBytes(
  invoke: InvokeFileCommand,
  path: string,
  offset: number,
  length: number | undefined,
  options: CallOptions,
): Promise<Uint8Array> {
  const step = stepper(options);
  const start = Math.max(0, offset);
  const wanted = length !== undefined && length >= 0 ? length : undefined;
  let total = wanted;
  if (total === undefined) {
    const { size } = await invoke('get_file_size', { path }, step());
    total = Math.max(0, size - start);
  }
  if (total <= CHUNK_THRESHOLD_BYTES) {
    const params =
      wanted === undefined ? { path, offset: start } : { path, offset: start, length: wanted };
    const { content_b64 } = await invoke('read_bytes', params, step());
    return decodeReplyBytes('read_bytes', content_b64);
  }
  const out = new Uint8Array(total);
  let done = 0;
  while (done < total) {
    const chunkLength = Math.min(CHUNK_BYTES, total - done);
    const reply = await invoke(
      'read_bytes',
      { path, offset: start + done, length: chunkLength },
      step(),
    );
    const chunk = decodeReplyBytes('read_bytes', reply.content_b64).subarray(0, chunkLength);
    out.set(chunk, done);
    done += chunk.length;
    // The file got shorter since its size was read: return what is there.
    if (chunk.length < chunkLength) break;
  }
  return done === total ? out : out.slice(0, done);
}

/**
 * Writes bytes, in chunks for large data: the first chunk creates (or appends, if asked), the
 * others append. Not atomic when chunked: a failure part-way leaves a partial file.
 */
export async function writeFileBytes(
  invoke: InvokeFileCommand,
  path: string,
  data: Uint8Array,
  append: boolean,
  options: CallOptions,
): Promise<void> {
  const step = stepper(options);
  if (data.length <= CHUNK_THRESHOLD_BYTES) {
    await invoke('write_bytes', { path, content_b64: encodeBase64(data), append }, step());
    return;
  }
  for (let at = 0; at < data.length; at += CHUNK_BYTES) {
    const chunk = data.subarray(at, at + CHUNK_BYTES);
    const params = { path, content_b64: encodeBase64(chunk), append: at === 0 ? append : true };
    await invoke('write_bytes', params, step());
  }
}
