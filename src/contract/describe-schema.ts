import { stringifySafely, truncateText } from '../shared/fields.js';
import { isJsonObject, resolveLocalRef } from './json-paths.js';

/** Longest rendering of a frame value in `actual` and messages, in characters. */
export const MAX_ACTUAL_LENGTH = 60;

/** Renders a frame value as compact JSON truncated to MAX_ACTUAL_LENGTH characters. */
export function renderValue(value: unknown): string {
  return truncateText(stringifySafely(value), MAX_ACTUAL_LENGTH);
}

// Keywords that say nothing about which values a schema accepts.
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

/** Describes what a JSON Schema accepts as a noun phrase (`a non-empty string`), or undefined when unclear. */
export function describeSchema(schema: unknown, doc?: unknown): string | undefined {
  if (schema === true) return 'any JSON value';
  if (!isJsonObject(schema)) return undefined;
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

function describeType(type: string, schema: Record<string, unknown>): string {
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
