import { UsageError } from '../shared/errors.js';
import { isJsonObject } from './json-paths.js';
import {
  PROFILE_FORMAT,
  runEventNames,
  type PairSpec,
  type ProfileSpec,
  type RunScopeSpec,
} from './profile.js';

const FIELDS = [
  'profile',
  'name',
  'description',
  'typeField',
  'required',
  'events',
  'first',
  'terminal',
  'errors',
  'once',
  'pairs',
  'runScope',
  'trigger',
] as const;
const PAIR_FIELDS = ['open', 'close', 'by', 'inside'] as const;
const RUN_SCOPE_FIELDS = ['thread', 'run', 'adoptRunId'] as const;
/** The fields of a profile that list event names. */
export const EVENT_LISTS = ['required', 'events', 'first', 'terminal', 'errors', 'once'] as const;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const DOTTED_PATH = /^[^.\s]+(\.[^.\s]+)*$/;

/** How every profile error ends: where the format is described. */
export const PROFILE_HINT = 'see "Profiles" in the README for the profile.json format';

type Json = Record<string, unknown>;

/** Reads the text of a profile.json into its definition with defaults, naming the file and field of the first problem. */
export function parseProfileJson(text: string, file: string): ProfileSpec {
  const fail = (field: string, problem: string): never => {
    throw new UsageError('PROFILE_INVALID', `${file}: ${field} ${problem}`, {
      hint: PROFILE_HINT,
    });
  };
  let json: unknown;
  try {
    // A byte-order mark is an editor's habit, not an error.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UsageError(
      'PROFILE_INVALID',
      `${file} is not valid JSON: ${(error as Error).message.replace(/\s+/g, ' ')}`,
      { hint: PROFILE_HINT, cause: error },
    );
  }
  if (!isJsonObject(json)) return fail('the file', 'must hold a JSON object');
  refuseUnknown(json, FIELDS, '', fail);

  if (json.profile !== PROFILE_FORMAT) {
    fail('"profile"', `must be ${PROFILE_FORMAT} (the version of the profile.json format)`);
  }
  const name = json.name;
  if (typeof name !== 'string' || !NAME.test(name)) {
    fail('"name"', 'must be a name of letters, digits, ".", "_" or "-"');
  }
  const description = json.description ?? '';
  if (typeof description !== 'string') fail('"description"', 'must be a string');
  const typeField = json.typeField;
  if (typeof typeField !== 'string' || !DOTTED_PATH.test(typeField)) {
    fail('"typeField"', 'must be a dotted path such as "type" or "data.event"');
  }
  if (json.required === undefined) fail('"required"', 'is missing');
  const lists = Object.fromEntries(
    EVENT_LISTS.map((key) => [key, readNames(json[key], `"${key}"`, fail)]),
  ) as Record<(typeof EVENT_LISTS)[number], string[]>;
  if (lists.required.length === 0) fail('"required"', 'must name at least one event');

  const pairsJson = json.pairs ?? [];
  if (!Array.isArray(pairsJson)) fail('"pairs"', 'must be a list of pairs');
  const pairs = (pairsJson as unknown[]).map((pair, i) => readPair(pair, `pairs[${i}]`, fail));
  // null is what `profiles show` prints for an empty default, so it reads back.
  const runScope = json.runScope == null ? null : readRunScope(json.runScope, fail);
  const trigger = json.trigger ?? null;
  if (trigger !== null && !isJsonObject(trigger)) fail('"trigger"', 'must be a JSON object');

  const spec: ProfileSpec = {
    profile: PROFILE_FORMAT,
    name: name as string,
    description: description as string,
    typeField: typeField as string,
    ...lists,
    pairs,
    runScope,
    trigger: trigger as Json | null,
  };
  refuseErrorsInTheRun(spec, fail);
  return spec;
}

type Fail = (field: string, problem: string) => never;

function refuseUnknown(json: Json, known: readonly string[], prefix: string, fail: Fail): void {
  for (const key of Object.keys(json)) {
    if (!known.includes(key)) {
      fail(`"${prefix}${key}"`, `is not a known field (expected ${known.join(', ')})`);
    }
  }
}

function readNames(value: unknown, field: string, fail: Fail): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item === '')) {
    return fail(field, 'must be a list of event type names');
  }
  const names = value as string[];
  const twice = names.find((item, i) => names.indexOf(item) !== i);
  if (twice !== undefined) fail(field, `names ${twice} twice`);
  return names;
}

function readPaths(value: unknown, field: string, fail: Fail, allowEmpty: boolean): string[] {
  if (value === undefined && allowEmpty) return [];
  if (
    !Array.isArray(value) ||
    (!allowEmpty && value.length === 0) ||
    value.some((item) => typeof item !== 'string' || !DOTTED_PATH.test(item))
  ) {
    return fail(field, `must be a list of dotted paths${allowEmpty ? '' : ' (at least one)'}`);
  }
  return value as string[];
}

/** Reads one entry of `pairs`; `at` names it, e.g. `pairs[0]`. */
function readPair(value: unknown, at: string, fail: Fail): PairSpec {
  if (!isJsonObject(value)) return fail(`"${at}"`, 'must be an object with open, close and by');
  refuseUnknown(value, PAIR_FIELDS, `${at}.`, fail);
  const event = (key: 'open' | 'close'): string => {
    const name = value[key];
    if (typeof name !== 'string' || name === '')
      fail(`"${at}.${key}"`, 'must be an event type name');
    return name;
  };
  return {
    open: event('open'),
    close: event('close'),
    by: readPaths(value.by, `"${at}.by"`, fail, false),
    inside: readNames(value.inside, `"${at}.inside"`, fail),
  };
}

function readRunScope(value: unknown, fail: Fail): RunScopeSpec {
  if (!isJsonObject(value))
    return fail('"runScope"', 'must be an object with thread, run and adoptRunId');
  refuseUnknown(value, RUN_SCOPE_FIELDS, 'runScope.', fail);
  const thread = readPaths(value.thread, '"runScope.thread"', fail, true);
  const run = readPaths(value.run, '"runScope.run"', fail, true);
  if (thread.length === 0 && run.length === 0) {
    fail(
      '"runScope"',
      'must name the path of a thread id or a run id (leave runScope out when frames carry no ids)',
    );
  }
  const adoptRunId = value.adoptRunId ?? false;
  if (typeof adoptRunId !== 'boolean') fail('"runScope.adoptRunId"', 'must be true or false');
  return { thread, run, adoptRunId: adoptRunId };
}

// An error event ends the run with a failure; it cannot also be an event the run is made of.
function refuseErrorsInTheRun(spec: ProfileSpec, fail: Fail): void {
  const runEvents = new Set(runEventNames(spec));
  const both = spec.errors.find((type) => runEvents.has(type));
  if (both !== undefined) {
    fail('"errors"', `names ${both}, which is also one of the run's events`);
  }
}
