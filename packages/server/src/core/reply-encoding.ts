import { describeBytes } from './limits.js';

export interface EncodedReply {
  text: string;
  bytes: number;
}

/**
 * The JSON text of a reply or event, held to the server's stated reply limit. A reply above it
 * is replaced by a failure that names the limit and the way around it: a client that receives
 * an over-long frame drops it (the Python client, above 10 MiB, even its connection), which
 * would look like a hung command.
 */
export function encodeReply(body: Record<string, unknown>, maxBytes: number): EncodedReply {
  const text = JSON.stringify(body);
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxBytes) return { text, bytes };
  return refuseTooLarge(body, bytes, maxBytes);
}

/** The failure that stands in for a reply of `bytes` above `maxBytes`, however it was encoded. */
export function refuseTooLarge(
  body: Record<string, unknown>,
  bytes: number,
  maxBytes: number,
): EncodedReply {
  const refusal = JSON.stringify({
    success: false,
    ...(body.id !== undefined ? { id: body.id } : {}),
    error:
      `The reply would be ${describeBytes(bytes)}, above this server's reply limit of ` +
      `${describeBytes(maxBytes)}. Ask for less: read files in ranges (offset and length), ` +
      `take screenshots with scale, max_width/max_height, a region or format "jpeg"`,
    code: 'reply_too_large',
    size: bytes,
    max_bytes: maxBytes,
  });
  return { text: refusal, bytes: Buffer.byteLength(refusal) };
}
