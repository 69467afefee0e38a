import { atom, atoms } from './atoms.js';
import { decodeCompoundText } from './compound-text.js';
import type { X11Connection } from './x11-connection.js';
import type { X11GetPropertyReply } from './x11-types.js';
import { windowRequest } from './window-request.js';

const ANY_PROPERTY_TYPE = 0;
const NONE = 0;
/** STRING is predefined (atom 31); the other text types are interned. */
const STRING = 31;
/** One GetProperty asks for this many 4-byte units; longer properties take more requests. */
const CHUNK_UNITS = 16_384;
/** Titles and client lists are small: a property beyond this is not read to its end. */
const MAX_PROPERTY_BYTES = 4 * 1024 * 1024;

export interface Property {
  type: number;
  /** 8, 16 or 32 bits per element. */
  format: number;
  data: Buffer;
}

/**
 * One property of a window, whole, or undefined when the window does not have it. A window that
 * does not exist is `not_found`.
 */
export async function readProperty(
  connection: X11Connection,
  window: number,
  name: string,
): Promise<Property | undefined> {
  const property = await atom(connection, name);
  const chunks: Buffer[] = [];
  let offset = 0;
  let total = 0;
  for (;;) {
    const reply = await windowRequest<X11GetPropertyReply>(
      connection,
      window,
      `GetProperty(${name})`,
      (client, callback) =>
        client.GetProperty(0, window, property, ANY_PROPERTY_TYPE, offset, CHUNK_UNITS, callback),
    );
    if (reply.type === NONE) return undefined;
    // The reply's buffer belongs to the connection's parser: keep a copy.
    chunks.push(Buffer.from(reply.data));
    total += reply.data.length;
    if (reply.bytesAfter === 0 || reply.data.length === 0 || total >= MAX_PROPERTY_BYTES) {
      return { type: reply.type, format: reply.format, data: Buffer.concat(chunks) };
    }
    offset += reply.data.length / 4;
  }
}

/** The 32-bit values of a CARDINAL, WINDOW or ATOM property; empty for other formats. */
export function propertyValues(property: Property | undefined): number[] {
  if (property === undefined || property.format !== 32) return [];
  const values: number[] = [];
  for (let i = 0; i + 4 <= property.data.length; i += 4) values.push(property.data.readUInt32LE(i));
  return values;
}

/** Like propertyValues, as signed 32-bit numbers (WM_NORMAL_HINTS fields are INT32). */
export function propertySignedValues(property: Property | undefined): number[] {
  if (property === undefined || property.format !== 32) return [];
  const values: number[] = [];
  for (let i = 0; i + 4 <= property.data.length; i += 4) values.push(property.data.readInt32LE(i));
  return values;
}

export async function readValues(
  connection: X11Connection,
  window: number,
  name: string,
): Promise<number[] | undefined> {
  const property = await readProperty(connection, window, name);
  return property === undefined ? undefined : propertyValues(property);
}

export type TextType = 'UTF8_STRING' | 'STRING' | 'COMPOUND_TEXT' | 'other';

const utf8 = new TextDecoder('utf-8');
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

export function stripTrailingNuls(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end -= 1;
  return bytes.subarray(0, end);
}

/**
 * A text property's bytes as a string. STRING is Latin-1 by ICCCM, but many programs (xdotool
 * among them) store UTF-8 there; bytes that are valid UTF-8 are read as such, as most window
 * managers do. Types nobody should use for text get the same treatment as STRING.
 */
export function decodeText(type: TextType, raw: Uint8Array): string {
  const bytes = stripTrailingNuls(raw);
  if (type === 'UTF8_STRING') return utf8.decode(bytes);
  if (type === 'COMPOUND_TEXT') return decodeCompoundText(bytes);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return latin1.decode(bytes);
  }
}

export async function textType(connection: X11Connection, type: number): Promise<TextType> {
  if (type === STRING) return 'STRING';
  const known = await atoms(connection, ['UTF8_STRING', 'COMPOUND_TEXT']);
  if (type === known.UTF8_STRING) return 'UTF8_STRING';
  if (type === known.COMPOUND_TEXT) return 'COMPOUND_TEXT';
  return 'other';
}

/** A text property decoded by its type, or undefined when the window does not have it. */
export async function readText(
  connection: X11Connection,
  window: number,
  name: string,
): Promise<string | undefined> {
  const property = await readProperty(connection, window, name);
  if (property === undefined) return undefined;
  return decodeText(await textType(connection, property.type), property.data);
}

/** Latin-1 strings separated by NULs (WM_CLASS: instance, then class). */
export function decodeStringList(property: Property | undefined): string[] {
  if (property === undefined) return [];
  return latin1
    .decode(property.data)
    .split('\0')
    .filter((part) => part !== '');
}

/** EWMH text (`_NET_WM_NAME`): UTF-8 whatever the type says, some programs label it STRING. */
export function decodeUtf8(property: Property | undefined): string | undefined {
  return property === undefined ? undefined : utf8.decode(stripTrailingNuls(property.data));
}
