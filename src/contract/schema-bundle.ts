import type { AnySchemaObject } from 'ajv/dist/2020.js';
import { SCHEMA_SUFFIX } from './schema-files.js';

/** The JSON Schema dialect the bundled schemas are written in: the newest the AsyncAPI parser validates. */
export const BUNDLE_SCHEMA_FORMAT = 'application/schema+json;version=draft-07';

/** A profile's schema files in one document: each under its key, every `$ref` between them a local pointer. */
export interface SchemaBundle {
  /** Component key -> the schema of one file, rewritten for draft-07. */
  schemas: Record<string, AnySchemaObject>;
  /** File (as `readSchemaFiles` names it, e.g. `defs/envelope.schema.json`) -> its component key. */
  keyOf: Record<string, string>;
}

// Keywords whose values are data, not schemas: a `$ref` there is text to keep as it is.
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples', 'example']);
// Keywords that only annotate: a `$ref` beside these alone needs no allOf.
const ANNOTATIONS = new Set(['$comment', 'title', 'description']);

/** The component key of a schema file: its path without the suffix, `/` as `.` (`defs.envelope`). */
export function componentKey(file: string): string {
  return file
    .slice(0, -SCHEMA_SUFFIX.length)
    .replaceAll('/', '.')
    .replace(/[^A-Za-z0-9._-]/g, '_');
}

// Where a file's relative `$ref`s resolve from: its `$id`, else its place in a notional folder.
function baseOf(file: string, schema: AnySchemaObject): string {
  const url = new URL(typeof schema.$id === 'string' ? schema.$id : file, 'file:///profile/');
  url.hash = '';
  return url.href;
}

/**
 * Gathers the schema files of a profile (JSON Schema 2020-12) into one bundle that a draft-07
 * reader takes with the same meaning: `$id` and `$schema` go, a `$ref` to another file becomes a
 * pointer to its component (`#/components/schemas/<key>/schema...`, `pointerOf` builds it), and a
 * `$ref` beside other keywords moves into `allOf` (draft-07 ignores a `$ref`'s siblings).
 */
export function bundleSchemas(
  files: readonly { file: string; schema: AnySchemaObject }[],
  pointerOf: (key: string) => string,
): SchemaBundle {
  const keyByBase = new Map<string, string>();
  const keyOf: Record<string, string> = {};
  for (const { file, schema } of files) {
    keyOf[file] = componentKey(file);
    keyByBase.set(baseOf(file, schema), componentKey(file));
  }
  const schemas: Record<string, AnySchemaObject> = {};
  for (const { file, schema } of files) {
    const base = baseOf(file, schema);
    const { $id: _id, $schema: _schema, ...body } = schema;
    const rewriteRef = (ref: string): string => {
      let target: URL;
      try {
        target = new URL(ref, base);
      } catch {
        return ref;
      }
      // The fragment is a JSON pointer (already escaped for a URI), or an anchor's name.
      const pointer = target.hash.slice(1);
      target.hash = '';
      const key = keyByBase.get(target.href);
      // A reference outside the profile, or to an anchor rather than a pointer, stays as written.
      if (key === undefined || (pointer !== '' && !pointer.startsWith('/'))) return ref;
      return `${pointerOf(key)}${pointer}`;
    };
    schemas[componentKey(file)] = rewrite(body, rewriteRef) as AnySchemaObject;
  }
  return { schemas, keyOf };
}

function rewrite(node: unknown, rewriteRef: (ref: string) => string): unknown {
  if (Array.isArray(node)) return node.map((item) => rewrite(item, rewriteRef));
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (DATA_KEYWORDS.has(key)) out[key] = value;
    else if (key === '$ref' && typeof value === 'string') out[key] = rewriteRef(value);
    else if (key === 'properties' || key === '$defs' || key === 'definitions') {
      // Names of properties or definitions are not keywords, whatever they are called.
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([name, schema]) => [
          name,
          rewrite(schema, rewriteRef),
        ]),
      );
    } else out[key] = rewrite(value, rewriteRef);
  }
  const siblings = Object.keys(out).filter((k) => k !== '$ref' && !ANNOTATIONS.has(k));
  if (typeof out.$ref === 'string' && siblings.length > 0) {
    const { $ref, ...rest } = out;
    const allOf = Array.isArray(rest.allOf) ? (rest.allOf as unknown[]) : [];
    return { ...rest, allOf: [{ $ref }, ...allOf] };
  }
  return out;
}
