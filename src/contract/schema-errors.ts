import type { ErrorObject } from 'ajv';
import { describeSchema, renderValue } from './describe-schema.js';
import { describeMissing } from './missing-field-hint.js';
import { dottedPath, pointerSegments, propertySchema, schemaAt, valueAt } from './json-paths.js';
import type { FieldError } from './types.js';

/** Most field errors reported for one frame; the rest are summarised in one extra entry. */
export const MAX_FIELD_ERRORS = 10;

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
  const params = err.params as Record<string, unknown>;
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
  // The event's root schema holds nested requirements even when the failing `required` came from a
  // referenced schema such as the envelope.
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
      message: `${label(path)} missing; ${describeMissing(frame, at, key, parent, propSchemas)}`,
      expected,
      actual: 'missing',
    },
  };
}

function expectedFromParams(err: ErrorObject): string {
  const p = err.params as Record<string, unknown>;
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
