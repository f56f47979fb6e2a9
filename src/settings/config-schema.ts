import { ENVIRONMENT_FIELDS, ROOT_FIELDS } from './config-file.js';
import { HEADER_PATTERNS } from './headers.js';
import { CONFIG_FILE_NAME } from './options.js';
import type { OptionRow } from './option-row.js';

/** Where the README and `ws-validate init` point `$schema`: the schema of the installed package. */
export const CONFIG_SCHEMA_REF = './node_modules/ws-validate/config.schema.json';

type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema (2020-12) of the config file, derived from the option table: every field an
 * environment may set, with its JSON type, its description and the shape of its text.
 */
export function buildConfigSchema(): JsonSchema {
  const environment: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(ENVIRONMENT_FIELDS.map((row) => [row.key, fieldSchema(row)])),
  };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: CONFIG_FILE_NAME,
    description:
      'Environments for ws-validate: where to connect, how to authenticate, run settings.',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string', description: ROOT_FIELDS.$schema },
      defaultEnv: { type: 'string', description: ROOT_FIELDS.defaultEnv },
      environments: {
        type: 'object',
        description: ROOT_FIELDS.environments,
        additionalProperties: { $ref: '#/$defs/environment' },
      },
    },
    $defs: { environment },
  };
}

function fieldSchema(row: OptionRow): JsonSchema {
  if (row.config === 'headers') return headersSchema(row.help);
  const shape = row.parse?.shape;
  return {
    ...(row.config === 'strings'
      ? { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }
      : { type: row.config }),
    ...(row.help === undefined ? {} : { description: row.help }),
    ...(shape?.enum === undefined ? {} : { enum: [...shape.enum] }),
    ...(shape?.pattern === undefined ? {} : { pattern: shape.pattern }),
    ...(row.default === undefined ? {} : { default: row.default }),
  };
}

// Header names as the loader takes them, each with a value or the env var that holds one.
function headersSchema(help: string | undefined): JsonSchema {
  const text = (pattern: string): JsonSchema => ({ type: 'string', pattern });
  return {
    type: 'object',
    ...(help === undefined ? {} : { description: help }),
    propertyNames: {
      ...text(HEADER_PATTERNS.name),
      not: { anyOf: [text(HEADER_PATTERNS.handshake), text(HEADER_PATTERNS.origin)] },
    },
    additionalProperties: {
      oneOf: [
        { ...text(HEADER_PATTERNS.value), description: 'the header value' },
        {
          type: 'object',
          description: 'the environment variable that holds the header value',
          additionalProperties: false,
          required: ['env'],
          properties: { env: { type: 'string', minLength: 1 } },
        },
      ],
    },
  };
}
