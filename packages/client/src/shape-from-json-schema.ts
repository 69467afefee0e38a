import type { Shape } from './shape.js';

type JsonSchema = Record<string, unknown>;

/** Keywords that say nothing a reply check needs. */
const IGNORED = new Set(['$schema', 'description', 'title', 'default', 'examples']);
const SAFE_INTEGER_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);

/**
 * Compiles a JSON Schema (as the protocol emits for result schemas) to a Shape. Throws on any
 * keyword the Shape checker does not implement, so a protocol change that needs a new check
 * fails the generation test instead of silently validating less.
 */
export function shapeFromJsonSchema(schema: JsonSchema, path = '(root)'): Shape {
  const shape: Record<string, unknown> = {};
  const prefixLength = Array.isArray(schema.prefixItems) ? schema.prefixItems.length : undefined;
  for (const [key, value] of Object.entries(schema)) {
    if (IGNORED.has(key)) continue;
    const where = `${path}.${key}`;
    switch (key) {
      case 'type':
      case 'enum':
      case 'minLength':
      case 'required':
        shape[key] = value;
        break;
      case 'minimum':
      case 'maximum':
        // zod's int() bounds; the checker's integer test is Number.isSafeInteger already.
        if (schema.type !== 'integer' || !SAFE_INTEGER_BOUNDS.has(value as number))
          unsupported(where);
        break;
      case 'minItems':
      case 'maxItems':
        // A closed tuple's length, which the checker enforces from prefixItems.
        if (value !== prefixLength || schema.items !== false) unsupported(where);
        break;
      case 'anyOf':
      case 'prefixItems':
        shape[key] = (value as JsonSchema[]).map((item, i) =>
          shapeFromJsonSchema(item, `${where}[${i}]`),
        );
        break;
      case 'items':
      case 'additionalProperties':
        shape[key] = value === false ? false : shapeFromJsonSchema(value as JsonSchema, where);
        break;
      case 'properties':
        shape[key] = Object.fromEntries(
          Object.entries(value as Record<string, JsonSchema>).map(([name, prop]) => [
            name,
            shapeFromJsonSchema(prop, `${where}.${name}`),
          ]),
        );
        break;
      default:
        unsupported(where);
    }
  }
  return shape;
}

function unsupported(where: string): never {
  throw new Error(`The reply checker does not implement the JSON Schema keyword at ${where}`);
}

/**
 * TypeScript source for a value, in the house style (single quotes, at most `width` columns).
 * `lead` is what precedes it on its line (indent and key), `tail` what follows (a comma).
 */
export function toSource(
  value: unknown,
  indent = '',
  lead = indent.length,
  tail = 1,
  width = 100,
): string {
  const flat = flatSource(value);
  const fits = lead + flat.length + tail <= width;
  if (fits || typeof value !== 'object' || value === null) return flat;
  const inner = `${indent}  `;
  const lines = Array.isArray(value)
    ? value.map((item) => `${inner}${toSource(item, inner)},\n`)
    : Object.entries(value).map(([key, item]) => {
        const head = `${inner}${keySource(key)}: `;
        return `${head}${toSource(item, inner, head.length)},\n`;
      });
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return `${open}\n${lines.join('')}${indent}${close}`;
}

function flatSource(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(flatSource).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(
      ([key, item]) => `${keySource(key)}: ${flatSource(item)}`,
    );
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return String(value);
}

function keySource(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : flatSource(key);
}
