import { commands, commandsJsonSchema, COMMAND_NAMES } from '@cua/computer-protocol';
import { describe, expect, it } from 'vitest';
import { RESULT_SHAPES } from './result-shapes.js';
import { checkShape, type Shape } from './shape.js';
import { shapeFromJsonSchema, toSource } from './shape-from-json-schema.js';

const EMPTY_SOURCE = "{ type: 'object', properties: {}, additionalProperties: false }";

/** The text of result-shapes.ts, compiled from the protocol's JSON Schema of each result. */
function generate(): string {
  const lines = [
    '// Generated from the result schemas of @cua/computer-protocol by result-shapes.test.ts.',
    '// Do not edit: after a protocol change run `pnpm exec vitest run --project client -u`.',
    "import type { CommandName } from '@cua/computer-protocol';",
    "import type { Shape } from './shape.js';",
    '',
    `const EMPTY: Shape = ${EMPTY_SOURCE};`,
    '',
    'export const RESULT_SHAPES: { readonly [N in CommandName]: Shape } = {',
  ];
  for (const { name, result } of commandsJsonSchema()) {
    const source = toSource(shapeFromJsonSchema(result), '  ', `  ${name}: `.length);
    lines.push(`  ${name}: ${source === EMPTY_SOURCE ? 'EMPTY' : source},`);
  }
  lines.push('};', '');
  return lines.join('\n');
}

describe('result shapes', () => {
  it('result-shapes.ts is what the protocol compiles to', async () => {
    await expect(generate()).toMatchFileSnapshot('./result-shapes.ts');
  });

  it('cover every command of the registry', () => {
    expect(Object.keys(RESULT_SHAPES).sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it('accept and reject exactly what the zod schemas do, with the same output', () => {
    let compared = 0;
    for (const name of COMMAND_NAMES) {
      const schema = commands[name].result;
      for (const candidate of candidatesFor(RESULT_SHAPES[name])) {
        const zod = schema.safeParse(candidate);
        const ours = checkShape(RESULT_SHAPES[name], candidate);
        expect({ name, candidate, ok: ours.ok }).toEqual({ name, candidate, ok: zod.success });
        if (zod.success && ours.ok) expect(ours.value).toEqual(zod.data);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(300);
  });

  it('the compiler refuses keywords the checker does not implement', () => {
    expect(() => shapeFromJsonSchema({ type: 'string', pattern: '^a' })).toThrow(/pattern/);
    expect(() => shapeFromJsonSchema({ type: 'number', minimum: 0 })).toThrow(/minimum/);
  });

  it('name the path of what is wrong', () => {
    const check = checkShape(RESULT_SHAPES.get_screen_size, { size: { width: 'wide' } });
    expect(check).toEqual({
      ok: false,
      issues: ['size.width: expected a number, got string', 'size.height: missing'],
    });
  });
});

/** A valid value for a shape, built from its first alternative of every choice. */
function sample(shape: Shape): unknown {
  if (shape.anyOf) return sample(shape.anyOf[0]!);
  if (shape.enum) return shape.enum[0];
  switch (shape.type) {
    case 'string':
      return 'x'.repeat(Math.max(1, shape.minLength ?? 0));
    case 'number':
      return 1.5;
    case 'integer':
      return 7;
    case 'boolean':
      return true;
    case 'array':
      if (shape.prefixItems) return shape.prefixItems.map(sample);
      return shape.items ? [sample(shape.items)] : [];
    case 'object':
      return Object.fromEntries(
        Object.entries(shape.properties ?? {}).map(([key, prop]) => [key, sample(prop)]),
      );
    default:
      return { anything: [1, 'two'] };
  }
}

const WRONG_VALUES: unknown[] = [
  null,
  'text',
  '',
  3,
  2.5,
  -1,
  true,
  [],
  [1, 2],
  [1, 2, 3],
  {},
  { a: 1 },
];

/** The valid sample, plus that sample with each field (at any depth) removed or replaced. */
function candidatesFor(shape: Shape): unknown[] {
  const base = sample(shape);
  const out: unknown[] = [base, { ...(base as object), success: true, id: 4, extra: 'x' }];
  const visit = (value: unknown, replace: (next: unknown) => unknown) => {
    for (const wrong of WRONG_VALUES) out.push(replace(wrong));
    if (Array.isArray(value)) {
      const items = value as unknown[];
      items.forEach((item, i) =>
        visit(item, (next) => replace(items.map((old, j) => (j === i ? next : old)))),
      );
    } else if (typeof value === 'object' && value !== null) {
      for (const key of Object.keys(value)) {
        const { [key]: _dropped, ...without } = value as Record<string, unknown>;
        out.push(replace(without));
        visit((value as Record<string, unknown>)[key], (next) =>
          replace({ ...value, [key]: next }),
        );
      }
    }
  };
  visit(base, (next) => next);
  return out;
}
