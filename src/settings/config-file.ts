import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { UsageError } from '../shared/errors.js';
import { findDuplicateKeys } from './duplicate-keys.js';
import { headerNameProblem, headerValueProblem } from './headers.js';
import { CONFIG_FILE_NAME, OPTIONS, type ConfigFields } from './options.js';
import { describeJsonType, hasJsonType, type OptionRow } from './option-row.js';
import { isNamedTrigger } from './parse.js';

/** A parsed config file: a default environment and named environments. */
export interface ConfigFile {
  path: string;
  defaultEnv?: string;
  /** Configured fields only; a built-in of the same name supplies the rest. */
  environments: ConfiguredEnvironment[];
  /** One line each about what the file holds but does not count (a key given twice). */
  warnings: string[];
}

/** An environment as a config file gives it: any field may be left out. */
export type ConfiguredEnvironment = ConfigFields & { name: string; source: string };

/** The fields an environment may set: the options with a config key, in the table's order. */
export const ENVIRONMENT_FIELDS: readonly OptionRow[] = OPTIONS.filter((row) => 'config' in row);

/** The fields of the file itself, each a description for its JSON Schema. */
export const ROOT_FIELDS = {
  $schema: 'the JSON Schema of this file, for editors',
  defaultEnv: 'the environment a run uses when neither --env nor WS_VALIDATE_ENV names one',
  environments: 'named environments; one named like a built-in changes only the fields it gives',
} as const;

/** Reads the config file given by --config, or ./ws-validate.config.json when present. */
export async function loadConfig(
  explicitPath: string | undefined,
  cwd: string,
): Promise<ConfigFile | null> {
  const path = resolve(cwd, explicitPath ?? CONFIG_FILE_NAME);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (explicitPath === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT')
      return null;
    throw new UsageError('CONFIG_UNREADABLE', `cannot read config file ${path}`, {
      hint:
        (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'check the --config path' : undefined,
      cause: error,
    });
  }
  // An editor may save a byte order mark, which is no part of the JSON.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      'CONFIG_INVALID',
      `${path} is not valid JSON: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const config = parseConfigFile(path, json);
  for (const key of findDuplicateKeys(text)) {
    config.warnings.push(`${path}: "${key}" is given twice; the last one counts`);
  }
  return config;
}

function configError(path: string, field: string, problem: string): UsageError {
  return new UsageError('CONFIG_INVALID', `${path}: ${field} ${problem}`, {
    hint: 'see "Config file" in the README for the expected shape',
  });
}

/** Validates the parsed JSON of a config file, naming the first field that is wrong. */
export function parseConfigFile(path: string, json: unknown): ConfigFile {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw configError(path, 'the file', 'must hold a JSON object');
  }
  const root = json as Record<string, unknown>;
  for (const key of Object.keys(root)) {
    if (!Object.hasOwn(ROOT_FIELDS, key)) {
      throw configError(
        path,
        `"${key}"`,
        `is not a known field (expected ${Object.keys(ROOT_FIELDS).join(', ')})`,
      );
    }
  }
  for (const key of ['$schema', 'defaultEnv'] as const) {
    if (root[key] !== undefined && typeof root[key] !== 'string') {
      throw configError(path, `"${key}"`, 'must be a string');
    }
  }
  const envs = root.environments ?? {};
  if (typeof envs !== 'object' || envs === null || Array.isArray(envs)) {
    throw configError(path, '"environments"', 'must be an object of named environments');
  }
  const environments = Object.entries(envs as Record<string, unknown>).map(([name, raw]) =>
    parseEnvironment(path, name, raw),
  );
  return {
    path,
    defaultEnv: root.defaultEnv as string | undefined,
    environments,
    warnings: [],
  };
}

function parseEnvironment(path: string, name: string, raw: unknown): ConfiguredEnvironment {
  const where = `environments.${name}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw configError(path, `"${where}"`, 'must be an object');
  }
  const fields = raw as Record<string, unknown>;
  for (const [key, value] of Object.entries(fields)) {
    const row = ENVIRONMENT_FIELDS.find((r) => r.key === key);
    if (row?.config === undefined) {
      throw configError(path, `"${where}.${key}"`, `is not a known field`);
    }
    if (!hasJsonType(value, row.config)) {
      throw configError(path, `"${where}.${key}"`, `must be ${describeJsonType(row.config)}`);
    }
    if (row.config === 'headers') checkHeaders(path, `${where}.${key}`, value as object);
  }
  // Values are parsed now so that a bad file fails before anything connects, naming the field.
  for (const row of ENVIRONMENT_FIELDS) {
    const value = fields[row.key];
    if (row.parse && typeof value === 'string') row.parse(value, `${path}: "${where}.${row.key}"`);
  }
  return { ...(fields as ConfigFields), ...relativePaths(path, fields), name, source: path };
}

// Each of the headers (an object, as hasJsonType checked) has a value or the env var that holds one.
function checkHeaders(path: string, field: string, value: object): void {
  for (const [name, given] of Object.entries(value)) {
    const problem =
      headerNameProblem(name) ??
      (typeof given === 'string' ? headerValueProblem(given) : undefined);
    if (problem) {
      throw new UsageError('CONFIG_INVALID', `${path}: "${field}.${name}" ${problem.problem}`, {
        hint: problem.hint,
      });
    }
    if (typeof given !== 'string' && !isEnvReference(given)) {
      throw configError(
        path,
        `"${field}.${name}"`,
        'must be a string, or {"env": "NAME"} to take it from an environment variable',
      );
    }
  }
}

function isEnvReference(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const env = (value as { env?: unknown }).env;
  return keys.length === 1 && typeof env === 'string' && env !== '';
}

// A relative path in the file means a path from the file's folder, wherever ws-validate runs.
function relativePaths(path: string, fields: Record<string, unknown>): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const row of ENVIRONMENT_FIELDS) {
    const value = fields[row.key];
    if (row.file !== true || typeof value !== 'string' || isAbsolute(value)) continue;
    if (row.key === 'trigger' && isNamedTrigger(value)) continue;
    resolved[row.key] = resolve(dirname(path), value);
  }
  return resolved;
}
