/**
 * The `binary-images` extension: a client that sends `"binary": true` in a `/ws` request (and a
 * server that announces `binary-images` in `version.features`) gets the reply's image bytes raw
 * instead of base64 inside JSON, a third fewer bytes and no base64 on either side. The reply is
 * then one binary WebSocket frame:
 *
 *     [4 bytes: JSON length N, big-endian][N bytes: the reply as UTF-8 JSON][the bytes of each field]
 *
 * The JSON is the usual reply with each carried field set to "" and `binary` listing the fields
 * in the order their bytes follow, with their lengths: `"binary": [["image_data", 123456]]`.
 * A server never sends such a frame to a request that did not ask for it.
 */

export const BINARY_REQUEST_FIELD = 'binary';
export const BINARY_IMAGES_FEATURE = 'binary-images';

/** Fields whose bytes may travel raw. */
export type BinaryField = 'image_data';

export type BinaryAttachments = ReadonlyArray<readonly [BinaryField, Uint8Array]>;

const HEADER_BYTES = 4;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeBinaryReply(
  reply: Record<string, unknown>,
  attachments: BinaryAttachments,
): Uint8Array {
  const json = encoder.encode(
    JSON.stringify({
      ...reply,
      ...Object.fromEntries(attachments.map(([field]) => [field, ''])),
      binary: attachments.map(([field, bytes]) => [field, bytes.byteLength]),
    }),
  );
  const total = attachments.reduce((sum, [, bytes]) => sum + bytes.byteLength, 0);
  const frame = new Uint8Array(HEADER_BYTES + json.byteLength + total);
  new DataView(frame.buffer).setUint32(0, json.byteLength);
  frame.set(json, HEADER_BYTES);
  let offset = HEADER_BYTES + json.byteLength;
  for (const [, bytes] of attachments) {
    frame.set(bytes, offset);
    offset += bytes.byteLength;
  }
  return frame;
}

export interface DecodedBinaryReply {
  reply: Record<string, unknown>;
  /** Each carried field's bytes (views into the frame, no copy). */
  fields: Map<BinaryField, Uint8Array>;
}

/** Undefined when the frame is not a well-formed binary reply. */
export function decodeBinaryReply(frame: Uint8Array): DecodedBinaryReply | undefined {
  if (frame.byteLength < HEADER_BYTES) return undefined;
  const length = new DataView(frame.buffer, frame.byteOffset, HEADER_BYTES).getUint32(0);
  if (HEADER_BYTES + length > frame.byteLength) return undefined;
  let reply: unknown;
  try {
    reply = JSON.parse(decoder.decode(frame.subarray(HEADER_BYTES, HEADER_BYTES + length)));
  } catch {
    return undefined;
  }
  if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) return undefined;
  const { binary, ...rest } = reply as Record<string, unknown>;
  if (!Array.isArray(binary)) return undefined;
  const fields = new Map<BinaryField, Uint8Array>();
  let offset = HEADER_BYTES + length;
  for (const entry of binary as unknown[]) {
    const [field, size] = Array.isArray(entry) ? (entry as unknown[]) : [];
    if (field !== 'image_data' || typeof size !== 'number') return undefined;
    if (!Number.isInteger(size) || size < 0 || offset + size > frame.byteLength) return undefined;
    fields.set(field, frame.subarray(offset, offset + size));
    offset += size;
  }
  return { reply: rest, fields };
}
