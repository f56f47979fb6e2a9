// Paths into JSON values: the instance paths ajv reports, the dotted paths we print, and lookups by
// path in frames and in schemas.

type Json = Record<string, unknown>;

/** True for a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when `value` is a JSON object with its own member `key`. */
export function hasKey(value: unknown, key: string): boolean {
  return isJsonObject(value) && Object.hasOwn(value, key);
}

/** Converts an ajv JSON Pointer (`/data/tool_args`) into path segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Joins path segments as a dotted path (`data.tool_args`, `items[0]`); empty for the frame itself. */
export function dottedPath(segments: readonly string[]): string {
  let out = '';
  for (const seg of segments) {
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/** True when two paths have the same segments. */
export function sameSegments(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** The value at `segments` inside `root`, or undefined when the path does not exist. */
export function valueAt(root: unknown, segments: readonly string[]): unknown {
  let cur = root;
  for (const seg of segments) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isJsonObject(cur) && Object.hasOwn(cur, seg)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

/** The schema a schema gives its property `key` under `properties`, if any. */
export function propertySchema(schema: unknown, key: string): unknown {
  if (!isJsonObject(schema) || !isJsonObject(schema.properties)) return undefined;
  return Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
}

/** The schema of the value at `segments`, found by walking `properties` down from `root`. */
export function schemaAt(root: unknown, segments: readonly string[]): unknown {
  let cur = root;
  for (const seg of segments) {
    cur = propertySchema(cur, seg);
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** The part of `doc` a local `$ref` (`#/$defs/x`) points at; undefined for any other reference. */
export function resolveLocalRef(ref: string, doc: unknown): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let cur = doc;
  for (const seg of pointerSegments(ref.slice(1))) {
    if (!isJsonObject(cur) || !Object.hasOwn(cur, seg)) return undefined;
    cur = cur[seg];
  }
  return cur;
}
