import { z } from 'zod';
import { aliases, commands, COMMAND_NAMES, type CommandName } from './commands/index.js';

type JsonSchema = Record<string, unknown>;

/** Optional params accept `null` on the wire; say so in the schema too. */
function allowNullForOptional(schema: JsonSchema): JsonSchema {
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (!properties) return schema;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const out: Record<string, JsonSchema> = {};
  for (const [key, prop] of Object.entries(properties)) {
    out[key] = required.has(key) ? prop : { anyOf: [prop, { type: 'null' }] };
  }
  return { ...schema, properties: out };
}

export interface CommandJsonSchema {
  name: CommandName;
  group: string;
  kind: string;
  description: string;
  extension: boolean;
  aliases: string[];
  params: JsonSchema;
  result: JsonSchema;
}

function aliasesOf(name: CommandName): string[] {
  return Object.entries(aliases)
    .filter(([, target]) => target === name)
    .map(([alias]) => alias);
}

/** JSON Schema (draft 2020-12) of every command's params and result, in registry order. */
export function commandsJsonSchema(): CommandJsonSchema[] {
  return COMMAND_NAMES.map((name) => {
    const spec = commands[name];
    return {
      name,
      group: spec.group,
      kind: spec.kind,
      description: spec.description,
      extension: 'extension' in spec,
      aliases: aliasesOf(name),
      params: allowNullForOptional(
        z.toJSONSchema(spec.params, { io: 'input', unrepresentable: 'any' }),
      ),
      result: z.toJSONSchema(spec.result, { io: 'output', unrepresentable: 'any' }),
    };
  });
}

export interface UpstreamParamInfo {
  name: string;
  required: boolean;
  default: unknown;
}

/** Param list in upstream's `GET /commands` shape: required params report `default: null`. */
export function upstreamParamList(name: CommandName): UpstreamParamInfo[] {
  const shape = commands[name].params.shape as Record<string, z.ZodType>;
  return Object.entries(shape).map(([param, schema]) => {
    const absent = schema.safeParse(undefined);
    return {
      name: param,
      required: !absent.success,
      default: absent.success ? (absent.data ?? null) : null,
    };
  });
}

/** The body of `GET /commands`: upstream's shape, plus each command's JSON Schema. */
export function describeCommands(): {
  commands: Record<
    string,
    { params: UpstreamParamInfo[]; aliases?: string[]; schema: CommandJsonSchema }
  >;
  aliases: Record<string, string>;
} {
  const out: Record<
    string,
    { params: UpstreamParamInfo[]; aliases?: string[]; schema: CommandJsonSchema }
  > = {};
  for (const schema of commandsJsonSchema()) {
    out[schema.name] = {
      params: upstreamParamList(schema.name),
      ...(schema.aliases.length > 0 ? { aliases: schema.aliases } : {}),
      schema,
    };
  }
  return { commands: out, aliases: { ...aliases } };
}
