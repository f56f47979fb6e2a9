import { stringifySafely } from '../shared/fields.js';
import type { ErrorObject } from 'ajv';
import type { FieldError } from './types.js';

/** Most field errors reported for one frame; the rest are summarised in one extra entry. */
export const MAX_FIELD_ERRORS = 10;

/** Longest rendering of a frame value in `actual` and messages, in characters. */
export const MAX_ACTUAL_LENGTH = 60;

// Names the emitters in PROTOCOL.md section 6 use for the same detail; each group lists the
// canonical name first. A missing field is most often present under one of these.
const ALIAS_GROUPS: readonly (readonly string[])[] = [
  ['tool_args', 'parameters', 'args', 'arguments'],
  ['results', 'result'],
  ['execution_time', 'execution_time_ms', 'duration', 'duration_ms'],
  ['final_response', 'response', 'result', 'report'],
  ['reasoning', 'message', 'thought'],
  ['correlation_id', 'execution_id', 'tool_call_id'],
  ['data', 'payload'],
];

// Containers where emitters put event details: the frame itself, `data`, and the front end's `payload`.
const DETAIL_LOCATIONS: readonly (readonly string[])[] = [[], ['data'], ['payload']];

const MAX_KEYS_LISTED = 6;
const MAX_HINTS = 3;

type Json = Record<string, unknown>;

interface Candidate {
  path: string;
  /** Lower is more specific: missing, wrong type, branch mismatch, wrong value, the rest. */
  rank: number;
  error: FieldError;
}

/** Turns ajv errors for `frame` into at most MAX_FIELD_ERRORS (+1 summary) field errors ordered by path. */
export function formatContractErrors(
  errors: readonly ErrorObject[],
  frame: unknown,
  rootSchema?: unknown,
): FieldError[] {
  const kept = dropBranchNoise(errors);
  const byPath = new Map<string, Candidate>();
  for (const err of kept) {
    const candidate = toCandidate(err, frame, rootSchema);
    if (candidate === undefined) continue;
    const seen = byPath.get(candidate.path);
    if (seen === undefined || candidate.rank < seen.rank) byPath.set(candidate.path, candidate);
  }
  const sorted = [...byPath.values()]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((c) => c.error);
  if (sorted.length <= MAX_FIELD_ERRORS) return sorted;
  const shown = sorted.slice(0, MAX_FIELD_ERRORS);
  shown.push({ path: '', message: `${sorted.length - MAX_FIELD_ERRORS} more errors not shown` });
  return shown;
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

/** Renders a frame value as compact JSON truncated to MAX_ACTUAL_LENGTH characters. */
export function renderValue(value: unknown): string {
  const text = stringifySafely(value);
  return text.length > MAX_ACTUAL_LENGTH ? `${text.slice(0, MAX_ACTUAL_LENGTH - 1)}…` : text;
}

/** Describes what a JSON Schema accepts as a noun phrase (`a non-empty string`), or undefined when unclear. */
export function describeSchema(schema: unknown, doc?: unknown): string | undefined {
  if (schema === true) return 'any JSON value';
  if (!isObject(schema)) return undefined;
  if (typeof schema.$ref === 'string') {
    const target = resolveLocalRef(schema.$ref, doc);
    if (target !== undefined) return describeSchema(target, doc);
  }
  if (typeof schema.title === 'string' && !('properties' in schema)) return schema.title;
  if ('const' in schema) return renderValue(schema.const);
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map(renderValue).join(', ')}`;
  const branches = Array.isArray(schema.anyOf)
    ? schema.anyOf
    : Array.isArray(schema.oneOf)
      ? schema.oneOf
      : undefined;
  if (branches !== undefined) {
    const parts = branches.map((b) => describeSchema(b, doc));
    if (parts.some((p) => p === undefined)) return undefined;
    return [...new Set(parts)].join(' or ');
  }
  const types = typeof schema.type === 'string' ? [schema.type] : schema.type;
  if (Array.isArray(types)) {
    const parts = types.filter((t): t is string => typeof t === 'string');
    return parts.map((t) => describeType(t, schema)).join(' or ');
  }
  const constraining = Object.keys(schema).filter((k) => !ANNOTATIONS.has(k));
  // An unresolved `$ref` may constrain anything, so it is not "any JSON value".
  return constraining.length === 0 ? 'any JSON value' : undefined;
}

const ANNOTATIONS = new Set([
  '$schema',
  '$id',
  '$comment',
  '$defs',
  'title',
  'description',
  'examples',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
]);

function describeType(type: string, schema: Json): string {
  switch (type) {
    case 'string': {
      if (schema.format === 'date-time') return 'an ISO-8601 date-time string';
      let base = typeof schema.format === 'string' ? `a ${schema.format} string` : 'a string';
      if (schema.minLength === 1) base = base.replace(/^an? /, 'a non-empty ');
      else if (typeof schema.minLength === 'number' && schema.minLength > 1)
        base += ` of at least ${schema.minLength} characters`;
      if (typeof schema.maxLength === 'number')
        base += ` of at most ${schema.maxLength} characters`;
      if (typeof schema.pattern === 'string') base += ` matching /${schema.pattern}/`;
      return base;
    }
    case 'number':
    case 'integer': {
      const bounds: string[] = [];
      if (typeof schema.minimum === 'number') bounds.push(`>= ${schema.minimum}`);
      if (typeof schema.exclusiveMinimum === 'number') bounds.push(`> ${schema.exclusiveMinimum}`);
      if (typeof schema.maximum === 'number') bounds.push(`<= ${schema.maximum}`);
      if (typeof schema.exclusiveMaximum === 'number') bounds.push(`< ${schema.exclusiveMaximum}`);
      const base = type === 'integer' ? 'an integer' : 'a number';
      return bounds.length === 0 ? base : `${base} ${bounds.join(' and ')}`;
    }
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'boolean':
      return 'a boolean';
    case 'null':
      return 'null';
    default:
      return type;
  }
}

// An anyOf/oneOf error already says everything its failed branches say, at one path.
function dropBranchNoise(errors: readonly ErrorObject[]): ErrorObject[] {
  const combinators = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  if (combinators.length === 0) return [...errors];
  return errors.filter(
    (e) =>
      !combinators.some(
        (c) =>
          c !== e &&
          e.schemaPath.startsWith(`${c.schemaPath}/`) &&
          (e.instancePath === c.instancePath || e.instancePath.startsWith(`${c.instancePath}/`)),
      ),
  );
}

function toCandidate(err: ErrorObject, frame: unknown, rootSchema: unknown): Candidate | undefined {
  const at = pointerSegments(err.instancePath);
  const params = err.params as Json;
  switch (err.keyword) {
    case 'required':
    case 'dependentRequired': {
      const key = params.missingProperty;
      if (typeof key !== 'string') break;
      return missingCandidate(at, key, err, frame, rootSchema);
    }
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const key = params.additionalProperty ?? params.unevaluatedProperty;
      if (typeof key !== 'string') break;
      const path = dottedPath([...at, key]);
      return {
        path,
        rank: 4,
        error: {
          path,
          message: `${label(path)} is not allowed here`,
          expected: 'absent',
          actual: renderValue(valueAt(frame, [...at, key])),
        },
      };
    }
    case 'if':
    case '$ref':
      // Wrappers whose specific failure is reported by the keywords inside them.
      return undefined;
    case 'type':
    case 'anyOf':
    case 'oneOf':
    case 'const':
    case 'enum':
    case 'format':
    case 'minLength':
    case 'maxLength':
    case 'pattern':
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'multipleOf': {
      const path = dottedPath(at);
      const value = valueAt(frame, at);
      const expected = describeSchema(err.parentSchema, rootSchema) ?? expectedFromParams(err);
      const actual = renderValue(value);
      return {
        path,
        rank: RANKS[err.keyword] ?? 4,
        error: {
          path,
          message: `${label(path)} must be ${expected}; got ${gotText(value, actual)}`,
          expected,
          actual,
        },
      };
    }
    default:
      break;
  }
  const path = dottedPath(at);
  return {
    path,
    rank: 4,
    error: {
      path,
      message: `${label(path)} ${err.message ?? `fails ${err.keyword}`}`,
      actual: renderValue(valueAt(frame, at)),
    },
  };
}

const RANKS: Record<string, number> = { type: 1, anyOf: 2, oneOf: 2, const: 3, enum: 3 };

function missingCandidate(
  at: readonly string[],
  key: string,
  err: ErrorObject,
  frame: unknown,
  rootSchema: unknown,
): Candidate {
  const target = [...at, key];
  const path = dottedPath(target);
  const parent = valueAt(frame, at);
  const propSchemas = [propertySchema(err.parentSchema, key), schemaAt(rootSchema, target)].filter(
    (s) => s !== undefined,
  );
  const expected =
    propSchemas.map((s) => describeSchema(s, err.parentSchema)).find((d) => d !== undefined) ??
    'present';
  return {
    path,
    rank: 0,
    error: {
      path,
      message: `${label(path)} missing; ${missingHint(frame, at, key, parent, propSchemas)}`,
      expected,
      actual: 'missing',
    },
  };
}

// What the frame carries instead of the missing field, so the reader sees the drift at a glance.
function missingHint(
  frame: unknown,
  at: readonly string[],
  key: string,
  parent: unknown,
  propSchemas: readonly unknown[],
): string {
  const found: string[][] = [];
  const add = (segments: string[]): void => {
    if (!found.some((f) => f.join('\0') === segments.join('\0'))) found.push(segments);
  };
  const aliases = aliasesOf(key);
  for (const alias of aliases) if (hasKey(parent, alias)) add([...at, alias]);
  for (const loc of DETAIL_LOCATIONS) {
    if (sameSegments(loc, at)) continue;
    if (hasKey(valueAt(frame, loc), key)) add([...loc, key]);
  }
  for (const loc of DETAIL_LOCATIONS) {
    if (sameSegments(loc, at)) continue;
    const container = valueAt(frame, loc);
    for (const alias of aliases) if (hasKey(container, alias)) add([...loc, alias]);
  }
  if (found.length > 0) return `frame has ${renderLocations(found.slice(0, MAX_HINTS), at, key)}`;

  // A missing container (`data`) whose required children sit one level up: the flattened shape.
  const children = new Set<string>();
  for (const s of propSchemas) {
    if (isObject(s) && Array.isArray(s.required))
      for (const r of s.required) if (typeof r === 'string') children.add(r);
  }
  const flattened = [...children].filter((c) => hasKey(parent, c)).map((c) => [...at, c]);
  if (flattened.length > 0) {
    const where = at.length === 0 ? ' at the top level' : '';
    return `frame has ${joinList(flattened.map((s) => `\`${dottedPath(s)}\``))}${where}`;
  }

  const where = at.length === 0 ? 'the top level' : `\`${dottedPath(at)}\``;
  if (!isObject(parent)) return `${where} is not an object`;
  const keys = Object.keys(parent);
  if (keys.length === 0) return `${where} is empty`;
  const listed = keys.slice(0, MAX_KEYS_LISTED).map((k) => `\`${k}\``);
  const more = keys.length > MAX_KEYS_LISTED ? ` and ${keys.length - MAX_KEYS_LISTED} more` : '';
  return `${where} has ${listed.join(', ')}${more}`;
}

function renderLocations(found: readonly string[][], at: readonly string[], key: string): string {
  const nested = at.length > 0;
  const parts = found.map((segments) => {
    const text = `\`${dottedPath(segments)}\``;
    // "`tool_name`" alone would read as the missing field itself; say where it is.
    return nested && segments.length === 1 && segments[0] === key
      ? `${text} at the top level`
      : text;
  });
  return joinList(parts);
}

function joinList(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1] ?? ''}`;
}

function aliasesOf(key: string): string[] {
  const out: string[] = [];
  for (const group of ALIAS_GROUPS) {
    if (!group.includes(key)) continue;
    const canonical = group[0];
    const related = key === canonical ? group.slice(1) : canonical === undefined ? [] : [canonical];
    for (const a of related) if (a !== key && !out.includes(a)) out.push(a);
  }
  return out;
}

function expectedFromParams(err: ErrorObject): string {
  const p = err.params as Json;
  switch (err.keyword) {
    case 'type':
      return Array.isArray(p.type) ? p.type.join(' or ') : String(p.type);
    case 'const':
      return renderValue(p.allowedValue);
    case 'enum':
      return Array.isArray(p.allowedValues)
        ? `one of ${p.allowedValues.map(renderValue).join(', ')}`
        : 'an allowed value';
    case 'format':
      return `a ${String(p.format)} string`;
    case 'minLength':
      return p.limit === 1
        ? 'a non-empty string'
        : `a string of at least ${String(p.limit)} characters`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `a number ${String(p.comparison)} ${String(p.limit)}`;
    default:
      return err.message?.replace(/^must (be )?/, '') ?? err.keyword;
  }
}

function gotText(value: unknown, rendered: string): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return rendered;
  return `${kindOf(value)} \`${rendered}\``;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function label(path: string): string {
  return path === '' ? 'frame' : `\`${path}\``;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasKey(value: unknown, key: string): boolean {
  return isObject(value) && Object.hasOwn(value, key);
}

function sameSegments(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

function valueAt(root: unknown, segments: readonly string[]): unknown {
  let cur = root;
  for (const seg of segments) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isObject(cur) && Object.hasOwn(cur, seg)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

function propertySchema(schema: unknown, key: string): unknown {
  if (!isObject(schema) || !isObject(schema.properties)) return undefined;
  return Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
}

// Walks `properties` from the event's root schema, where nested requirements live even when the
// failing `required` came from a referenced schema such as the envelope.
function schemaAt(root: unknown, segments: readonly string[]): unknown {
  let cur = root;
  for (const seg of segments) {
    cur = propertySchema(cur, seg);
    if (cur === undefined) return undefined;
  }
  return cur;
}

function resolveLocalRef(ref: string, doc: unknown): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let cur = doc;
  for (const seg of pointerSegments(ref.slice(1))) {
    if (!isObject(cur) || !Object.hasOwn(cur, seg)) return undefined;
    cur = cur[seg];
  }
  return cur;
}
