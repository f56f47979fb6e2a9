import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../shared/errors.js';
import {
  ALL_PROFILES,
  BUILT_IN_PROFILES,
  DEFAULT_PROFILE,
  describeProfile,
  type ContractProfile,
  type ProfileSpec,
} from './profile.js';
import { EVENT_LISTS, PROFILE_HINT, parseProfileJson } from './profile-json.js';
import type { LoadedSchemas } from './schema-checker.js';
import { builtInProfileDir, loadSchemas } from './schemas.js';

/** The file of a profile folder that defines it. */
export const PROFILE_FILE = 'profile.json';

export { ALL_PROFILES } from './profile.js';

/** A profile as selected: a built-in's name, or the absolute path of a folder. */
export type ProfileRef = { kind: 'built-in'; name: string } | { kind: 'folder'; dir: string };

/** One value that selects profiles, as a flag or the config file gave it. */
export interface ProfileChoice {
  /** A name, a folder, `all`, or a comma list of them. */
  text: string;
  /** The folder that a relative folder path resolves from. */
  baseDir: string;
  /** Where the value came from, e.g. `--profile` or the config file's path, for errors. */
  source: string;
}

/** A profile ready to judge with: its definition, where it lives and its compiled schemas. */
export interface LoadedProfile extends ContractProfile {
  /** Absolute path of the folder the definition was read from. */
  dir: string;
  builtIn: boolean;
  checker: LoadedSchemas;
}

// A value is a folder when it looks like a path; anything else must name a built-in profile.
function looksLikePath(text: string): boolean {
  return /[/\\]/.test(text) || text.startsWith('.') || text.startsWith('~') || isAbsolute(text);
}

function unknownProfile(name: string, source: string): UsageError {
  return new UsageError('PROFILE_UNKNOWN', `${source}: unknown profile "${name}"`, {
    hint: `built-in profiles: ${[...BUILT_IN_PROFILES, ALL_PROFILES].join(', ')}; a profile folder is given as a path, e.g. ./my-profile`,
  });
}

/** Turns choices into the profiles they name, in order, each once; `all` stands for every built-in. */
export function selectProfiles(choices: readonly ProfileChoice[]): ProfileRef[] {
  const refs: ProfileRef[] = [];
  const add = (ref: ProfileRef): void => {
    const key = ref.kind === 'built-in' ? ref.name : ref.dir;
    if (!refs.some((r) => (r.kind === 'built-in' ? r.name : r.dir) === key)) refs.push(ref);
  };
  for (const choice of choices) {
    const parts = choice.text.split(',').map((part) => part.trim());
    if (parts.some((part) => part === '')) {
      throw new UsageError(
        'PROFILE_UNKNOWN',
        `${choice.source}: "${choice.text}" names no profile`,
        {
          hint: 'give profile names or folders, separated by commas, e.g. canonical,bridge',
        },
      );
    }
    for (const part of parts) {
      if (part === ALL_PROFILES) {
        for (const name of BUILT_IN_PROFILES) add({ kind: 'built-in', name });
      } else if (looksLikePath(part)) {
        add({ kind: 'folder', dir: resolve(choice.baseDir, part) });
      } else if (BUILT_IN_PROFILES.includes(part)) {
        add({ kind: 'built-in', name: part });
      } else {
        throw unknownProfile(part, choice.source);
      }
    }
  }
  return refs;
}

/** The profiles the choices name, or the default profile when there are none. */
export function selectProfilesOrDefault(choices: readonly ProfileChoice[]): ProfileRef[] {
  return choices.length === 0
    ? [{ kind: 'built-in', name: DEFAULT_PROFILE }]
    : selectProfiles(choices);
}

/** Reads and checks the profile.json of a folder, without compiling its schemas. */
export async function readProfileSpec(dir: string): Promise<ProfileSpec> {
  const file = join(dir, PROFILE_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const missingFolder = await stat(dir).then(
      (found) => !found.isDirectory(),
      () => true,
    );
    throw new UsageError(
      'PROFILE_INVALID',
      missingFolder
        ? `profile folder ${dir} does not exist`
        : `profile folder ${dir} has no ${PROFILE_FILE}`,
      {
        hint: `a profile folder holds ${PROFILE_FILE} and one <type>.schema.json per frame type; ${PROFILE_HINT}`,
        cause: error,
      },
    );
  }
  return parseProfileJson(text, file);
}

/** Where each named event of a profile is named, for the error when one has no schema. */
function fieldsNaming(spec: ProfileSpec): [string, string][] {
  return [
    ...EVENT_LISTS.flatMap((key) => spec[key].map((type): [string, string] => [`"${key}"`, type])),
    ...spec.pairs.flatMap((pair, i) => [
      [`"pairs[${i}].open"`, pair.open] as [string, string],
      [`"pairs[${i}].close"`, pair.close] as [string, string],
      ...pair.inside.map((type): [string, string] => [`"pairs[${i}].inside"`, type]),
    ]),
  ];
}

function refuseEventsWithoutSchema(spec: ProfileSpec, dir: string, schemas: LoadedSchemas): void {
  for (const [field, type] of fieldsNaming(spec)) {
    if (Object.hasOwn(schemas.covers, type)) continue;
    throw new UsageError(
      'PROFILE_INVALID',
      `${join(dir, PROFILE_FILE)}: ${field} names ${type}, which has no schema (no ${type}.schema.json in the folder)`,
      { hint: `add ${type}.schema.json beside ${PROFILE_FILE}, or take ${type} out of ${field}` },
    );
  }
}

/** Loads one profile: its definition and its schemas (`schemasDir` replaces the folder's own). */
export async function loadProfile(
  ref: ProfileRef,
  options: { schemasDir?: string } = {},
): Promise<LoadedProfile> {
  const dir = ref.kind === 'built-in' ? builtInProfileDir(ref.name) : ref.dir;
  const spec = await readProfileSpec(dir);
  const schemas = await loadSchemas(options.schemasDir ?? dir, { typeField: spec.typeField });
  // Schemas given with --schemas are taken as they are, as before profiles existed.
  if (options.schemasDir === undefined) refuseEventsWithoutSchema(spec, dir, schemas);
  return { ...describeProfile(spec), dir, builtIn: ref.kind === 'built-in', checker: schemas };
}

/** Loads the selected profiles in order; `schemasDir` replaces the first one's schemas. */
export async function loadProfiles(
  refs: readonly ProfileRef[],
  options: { schemasDir?: string } = {},
): Promise<LoadedProfile[]> {
  const profiles = await Promise.all(
    refs.map((ref, i) =>
      loadProfile(ref, i === 0 && options.schemasDir !== undefined ? options : {}),
    ),
  );
  const names = profiles.map((p) => p.spec.name);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice !== undefined) {
    const dirs = profiles.filter((p) => p.spec.name === twice).map((p) => p.dir);
    throw new UsageError(
      'PROFILE_TWICE',
      `two selected profiles are named "${twice}": ${dirs.join(' and ')}`,
      {
        hint: 'each profile of one run needs its own name; change "name" in one profile.json',
      },
    );
  }
  return profiles;
}
