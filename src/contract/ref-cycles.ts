// A `$ref` cycle whose every step applies to the same value (through $ref, allOf, not, if, ...)
// makes a validator call itself with the same data until the stack runs out. ajv compiles such
// schemas without complaint, so they are found here, before any frame is validated. Cycles that
// step into a property or an item are recursive structures and end with the data.

import { isJsonObject } from './json-paths.js';

/** One schema file as parsed: its name in the folder and its JSON. */
export interface SchemaResource {
  file: string;
  schema: unknown;
}

/** Where a subschema sits: its file, its JSON pointer, and the base URI its `$ref`s resolve against. */
interface Place {
  file: string;
  pointer: string;
  base: string;
}

// Keywords whose subschemas apply to the same value as the schema that holds them.
const IN_PLACE_ONE = ['not', 'if', 'then', 'else'];
const IN_PLACE_MANY = ['allOf', 'anyOf', 'oneOf'];
const IN_PLACE_MAP = ['dependentSchemas'];
// Keywords whose subschemas apply to a part of the value (or are only reached by reference).
const PART_ONE = [
  'additionalProperties',
  'propertyNames',
  'items',
  'contains',
  'unevaluatedItems',
  'unevaluatedProperties',
  'additionalItems',
];
const PART_MANY = ['prefixItems', 'items'];
const PART_MAP = ['properties', 'patternProperties', '$defs', 'definitions'];
const REF_KEYWORDS = ['$ref', '$dynamicRef'];

// The base of files without `$id`, as the coverage check and ajv's file-name keys resolve them.
const FOLDER_BASE = 'file:///schemas/';

function withoutHash(url: URL): string {
  const copy = new URL(url.href);
  copy.hash = '';
  return copy.href;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Every subschema of every file with its place, and the resources and anchors `$ref`s name. */
function indexSchemas(files: readonly SchemaResource[]) {
  const places = new Map<object, Place>();
  const resources = new Map<string, unknown>();
  const anchors = new Map<string, unknown>();

  const visit = (node: unknown, file: string, pointer: string, parentBase: string): void => {
    if (!isJsonObject(node) || places.has(node)) return;
    let base = parentBase;
    if (typeof node.$id === 'string') {
      try {
        const url = new URL(node.$id, parentBase);
        base = withoutHash(url);
        resources.set(base, node);
      } catch {
        // A malformed $id is ajv's to report.
      }
    }
    for (const key of ['$anchor', '$dynamicAnchor']) {
      const anchor = node[key];
      if (typeof anchor === 'string') anchors.set(`${base}#${anchor}`, node);
    }
    places.set(node, { file, pointer, base });
    const at = (...keys: string[]): string => `${pointer}/${keys.map(escapePointer).join('/')}`;
    for (const key of [...IN_PLACE_ONE, ...PART_ONE]) visit(node[key], file, at(key), base);
    for (const key of [...IN_PLACE_MANY, ...PART_MANY]) {
      const list = node[key];
      if (Array.isArray(list)) list.forEach((item, i) => visit(item, file, at(key, `${i}`), base));
    }
    for (const key of [...IN_PLACE_MAP, ...PART_MAP]) {
      const map = node[key];
      if (!isJsonObject(map)) continue;
      for (const [name, item] of Object.entries(map)) visit(item, file, at(key, name), base);
    }
  };

  for (const { file, schema } of files) {
    if (!isJsonObject(schema)) continue;
    const root = withoutHash(new URL(file, FOLDER_BASE));
    resources.set(root, schema);
    visit(schema, file, '', root);
  }
  return { places, resources, anchors };
}

type Index = ReturnType<typeof indexSchemas>;

function resolvePointer(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The subschema a `$ref` names, or undefined when it cannot be resolved (ajv reports that). */
function resolveRef(ref: string, base: string, index: Index): unknown {
  let url: URL;
  try {
    url = new URL(ref, base);
  } catch {
    return undefined;
  }
  const fragment = decodeURIComponent(url.hash.slice(1));
  const resource = index.resources.get(withoutHash(url));
  if (fragment === '') return resource;
  if (fragment.startsWith('/')) return resolvePointer(resource, fragment);
  return index.anchors.get(`${withoutHash(url)}#${fragment}`);
}

/** The subschemas that apply to the same value as `node`. */
function inPlaceSuccessors(node: Record<string, unknown>, place: Place, index: Index): unknown[] {
  const next: unknown[] = [];
  for (const key of IN_PLACE_ONE) next.push(node[key]);
  for (const key of IN_PLACE_MANY) {
    const list = node[key];
    if (Array.isArray(list)) next.push(...(list as unknown[]));
  }
  for (const key of IN_PLACE_MAP) {
    const map = node[key];
    if (isJsonObject(map)) next.push(...Object.values(map));
  }
  for (const key of REF_KEYWORDS) {
    const ref = node[key];
    if (typeof ref === 'string') next.push(resolveRef(ref, place.base, index));
  }
  return next.filter(isJsonObject);
}

function describePlace(place: Place): string {
  return `${place.file}#${place.pointer}`;
}

/**
 * Finds every `$ref` cycle that applies to one value without descending into it; returns each file
 * on such a cycle with a description of the cycle (`a.schema.json# → a.schema.json#/$defs/x → …`).
 */
export function findRefCycles(files: readonly SchemaResource[]): Map<string, string> {
  const index = indexSchemas(files);
  const found = new Map<string, string>();
  const done = new Set<object>();
  const onPath = new Map<object, number>();
  const path: Record<string, unknown>[] = [];

  const search = (node: Record<string, unknown>): void => {
    const place = index.places.get(node);
    if (place === undefined || done.has(node)) return;
    onPath.set(node, path.length);
    path.push(node);
    for (const next of inPlaceSuccessors(node, place, index)) {
      const start = onPath.get(next as object);
      if (start === undefined) {
        search(next as Record<string, unknown>);
        continue;
      }
      const cycle = [...path.slice(start), next].map((n) => index.places.get(n as object));
      const shown = cycle.flatMap((p) => (p === undefined ? [] : [describePlace(p)]));
      const message = `$ref cycle that never descends into the frame, so validation would recurse for ever: ${shown.join(' → ')}`;
      for (const p of cycle) if (p !== undefined && !found.has(p.file)) found.set(p.file, message);
    }
    path.pop();
    onPath.delete(node);
    done.add(node);
  };

  for (const node of index.places.keys()) search(node as Record<string, unknown>);
  return found;
}
