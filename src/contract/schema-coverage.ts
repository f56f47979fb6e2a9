import type { AnySchemaObject } from 'ajv/dist/2020.js';
import { schemaAt } from './json-paths.js';
import { DEFS_DIR, SCHEMA_SUFFIX } from './schema-files.js';

/**
 * The message type a schema validates: the `const` it gives the type field (`properties.type.const`
 * for the field `type`, split on dots as `typePath`), else the name in
 * `<type>.schema.json`, except for shared definitions: the files of `defs/`, and files that other
 * files `$ref` (an envelope), which cover no type; `referenced` holds the bases of every referenced file.
 */
export function coveredType(
  file: string,
  schema: AnySchemaObject,
  referenced: Set<string>,
  typePath: readonly string[] = ['type'],
): string | null {
  if (file.startsWith(`${DEFS_DIR}/`)) return null;
  const typeSchema = schemaAt(schema, typePath);
  if (typeof typeSchema === 'object' && typeSchema !== null) {
    const value: unknown = (typeSchema as { const?: unknown }).const;
    if (typeof value === 'string') return value;
  }
  if (referenced.has(baseOf(file, schema))) return null;
  const name = file.slice(0, -SCHEMA_SUFFIX.length);
  return name === 'envelope' ? null : name;
}

/** The bases (URLs without fragment) of every schema that another schema `$ref`s. */
export function referencedBases(
  parsed: readonly { file: string; schema?: AnySchemaObject }[],
): Set<string> {
  const out = new Set<string>();
  for (const p of parsed) {
    if (p.schema === undefined) continue;
    const base = baseOf(p.file, p.schema);
    for (const ref of collectRefs(p.schema)) {
      try {
        const url = new URL(ref, base);
        url.hash = '';
        if (url.href !== base) out.add(url.href);
      } catch {
        // A malformed $ref is ajv's to report when it compiles the schema.
      }
    }
  }
  return out;
}

function baseOf(file: string, schema: AnySchemaObject): string {
  const id = typeof schema.$id === 'string' ? schema.$id : file;
  try {
    const url = new URL(id, 'file:///schemas/');
    url.hash = '';
    return url.href;
  } catch {
    return id;
  }
}

function collectRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, out);
  } else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push(value);
      else collectRefs(value, out);
    }
  }
  return out;
}
