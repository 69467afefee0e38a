/**
 * The subset of JSON Schema that the protocol's result schemas compile to. The client checks
 * replies against these instead of running zod, which would be most of the browser bundle;
 * result-shapes.ts is generated from the protocol, and a test keeps the two in step.
 */
export interface Shape {
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  enum?: readonly (string | number | boolean | null)[];
  anyOf?: readonly Shape[];
  minLength?: number;
  items?: Shape | false;
  prefixItems?: readonly Shape[];
  properties?: Readonly<Record<string, Shape>>;
  required?: readonly string[];
  /** `false`: unknown keys are dropped (zod's `z.object`); a shape: kept (`z.looseObject`). */
  additionalProperties?: false | Shape;
}

export type ShapeCheck = { ok: true; value: unknown } | { ok: false; issues: string[] };

/** Validates a value and returns it as zod would: unknown keys of closed objects dropped. */
export function checkShape(shape: Shape, value: unknown): ShapeCheck {
  const issues: string[] = [];
  const out = check(shape, value, '', issues);
  return issues.length === 0 ? { ok: true, value: out } : { ok: false, issues };
}

function check(shape: Shape, value: unknown, path: string, issues: string[]): unknown {
  if (shape.anyOf) {
    for (const option of shape.anyOf) {
      const attempt: string[] = [];
      const out = check(option, value, path, attempt);
      if (attempt.length === 0) return out;
    }
    issues.push(`${at(path)}: matches none of the allowed forms`);
    return value;
  }
  if (shape.enum && !shape.enum.includes(value as string)) {
    issues.push(
      `${at(path)}: expected one of ${shape.enum.map((v) => JSON.stringify(v)).join(', ')}`,
    );
    return value;
  }
  switch (shape.type) {
    case undefined:
      return value;
    case 'string':
      if (typeof value !== 'string') return fail(issues, path, 'a string', value);
      if (shape.minLength !== undefined && value.length < shape.minLength) {
        issues.push(`${at(path)}: expected at least ${shape.minLength} characters`);
      }
      return value;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value))
        return fail(issues, path, 'a number', value);
      return value;
    case 'integer':
      if (!Number.isSafeInteger(value)) return fail(issues, path, 'an integer', value);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') return fail(issues, path, 'a boolean', value);
      return value;
    case 'array':
      return checkArray(shape, value, path, issues);
    case 'object':
      return checkObject(shape, value, path, issues);
  }
}

function checkArray(shape: Shape, value: unknown, path: string, issues: string[]): unknown {
  if (!Array.isArray(value)) return fail(issues, path, 'an array', value);
  const prefix = shape.prefixItems ?? [];
  if (shape.items === false && value.length !== prefix.length) {
    issues.push(`${at(path)}: expected ${prefix.length} items, got ${value.length}`);
    return value;
  }
  return value.map((item: unknown, i) => {
    const itemShape = i < prefix.length ? prefix[i] : shape.items;
    return itemShape ? check(itemShape, item, `${path}[${i}]`, issues) : item;
  });
}

function checkObject(shape: Shape, value: unknown, path: string, issues: string[]): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(issues, path, 'an object', value);
  }
  const input = value as Record<string, unknown>;
  const properties = shape.properties ?? {};
  const required = shape.required ?? [];
  const out: Record<string, unknown> = {};
  for (const [key, propShape] of Object.entries(properties)) {
    const propPath = path ? `${path}.${key}` : key;
    if (input[key] === undefined) {
      if (required.includes(key)) issues.push(`${propPath}: missing`);
      continue;
    }
    out[key] = check(propShape, input[key], propPath, issues);
  }
  const extra = shape.additionalProperties;
  if (extra !== false) {
    for (const [key, item] of Object.entries(input)) {
      if (Object.hasOwn(properties, key)) continue;
      out[key] = extra ? check(extra, item, path ? `${path}.${key}` : key, issues) : item;
    }
  }
  return out;
}

function fail(issues: string[], path: string, expected: string, value: unknown): unknown {
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  issues.push(`${at(path)}: expected ${expected}, got ${got}`);
  return value;
}

function at(path: string): string {
  return path || '(reply)';
}
