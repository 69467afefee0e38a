import { decodeBase64 } from '../base64.js';
import type { Size } from './image-transform.js';

/** Width and height from a base64 PNG's header; undefined for anything else. */
export function imageSize(base64: string): Size | undefined {
  // 24 bytes: the signature, the IHDR chunk's length and type, then width and height.
  if (base64.length < 32) return undefined;
  const head = decodeBase64(base64.slice(0, 32));
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((byte, i) => head[i] === byte)) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
