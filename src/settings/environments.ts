import { UsageError } from '../shared/errors.js';
import type { Budgets } from '../session/types.js';
import { parseDuration, parsePlacement, parseWsUrl, type AuthPlacement } from './parse.js';

/** One named environment: where to connect and how to authenticate. */
export interface Environment {
  name: string;
  /** WebSocket URL; null for `embedded`, whose URL exists only once its server runs. */
  url: string | null;
  /** Base URL of the auth service (E2E token endpoint), when there is one. */
  authUrl: string | null;
  auth?: AuthPlacement;
  /** Where the token comes from unless a flag or env var says otherwise. */
  tokenEnv?: string;
  tokenFile?: string;
  tokenCommand?: string;
  jwtSecretEnv?: string;
  e2eKeyEnv?: string;
  user?: string;
  trigger?: string;
  message?: string;
  agent?: string;
  timeout?: string;
  firstEventTimeout?: string;
  connectTimeout?: string;
  grace?: string;
  schemas?: string;
  /** Production-like: a run needs --confirm-production. */
  protected?: boolean;
  /** Where this environment was defined: `built-in` or the config file's path. */
  source: string;
}

/** The environments every install knows (PROTOCOL.md section 1). */
export const BUILT_IN_ENVIRONMENTS: readonly Environment[] = [
  {
    name: 'local',
    url: 'ws://localhost:8000/ws',
    authUrl: 'http://localhost:8081',
    source: 'built-in',
  },
  {
    name: 'staging',
    url: 'wss://api.staging.netrasystems.ai/ws',
    authUrl: 'https://auth.staging.netrasystems.ai',
    source: 'built-in',
  },
  {
    name: 'production',
    url: 'wss://api.netrasystems.ai/ws',
    authUrl: 'https://auth.netrasystems.ai',
    protected: true,
    source: 'built-in',
  },
  { name: 'embedded', url: null, authUrl: null, source: 'built-in' },
];

const ENV_KEYS: Record<string, 'string' | 'boolean'> = {
  url: 'string',
  authUrl: 'string',
  auth: 'string',
  tokenEnv: 'string',
  tokenFile: 'string',
  tokenCommand: 'string',
  jwtSecretEnv: 'string',
  e2eKeyEnv: 'string',
  user: 'string',
  trigger: 'string',
  message: 'string',
  agent: 'string',
  timeout: 'string',
  firstEventTimeout: 'string',
  connectTimeout: 'string',
  grace: 'string',
  schemas: 'string',
  protected: 'boolean',
};

/** A parsed config file: a default environment and named environments. */
export interface ConfigFile {
  path: string;
  defaultEnv?: string;
  /** Configured fields only; a built-in of the same name supplies the rest. */
  environments: ConfiguredEnvironment[];
}

/** An environment as a config file gives it: any field may be left out. */
export type ConfiguredEnvironment = Partial<Environment> & { name: string; source: string };

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
    if (key !== 'defaultEnv' && key !== 'environments' && key !== '$schema') {
      throw configError(
        path,
        `"${key}"`,
        'is not a known field (expected defaultEnv, environments)',
      );
    }
  }
  if (root.defaultEnv !== undefined && typeof root.defaultEnv !== 'string') {
    throw configError(path, '"defaultEnv"', 'must be a string');
  }
  const envs = root.environments ?? {};
  if (typeof envs !== 'object' || envs === null || Array.isArray(envs)) {
    throw configError(path, '"environments"', 'must be an object of named environments');
  }
  const environments = Object.entries(envs as Record<string, unknown>).map(([name, raw]) =>
    parseEnvironment(path, name, raw),
  );
  return { path, defaultEnv: root.defaultEnv, environments };
}

function parseEnvironment(path: string, name: string, raw: unknown): ConfiguredEnvironment {
  const where = `environments.${name}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw configError(path, `"${where}"`, 'must be an object');
  }
  const fields = raw as Record<string, unknown>;
  for (const [key, value] of Object.entries(fields)) {
    const kind = ENV_KEYS[key];
    if (kind === undefined) {
      throw configError(path, `"${where}.${key}"`, `is not a known field`);
    }
    if (typeof value !== kind) throw configError(path, `"${where}.${key}"`, `must be a ${kind}`);
  }
  const text = (key: string): string | undefined => fields[key] as string | undefined;
  // Validate values now so a bad file fails before anything connects, naming the field.
  const check = <T>(key: string, parse: (v: string, flag: string) => T): void => {
    const value = text(key);
    if (value !== undefined) parse(value, `${path}: "${where}.${key}"`);
  };
  check('url', parseWsUrl);
  check('auth', parsePlacement);
  for (const key of ['timeout', 'firstEventTimeout', 'connectTimeout', 'grace']) {
    check(key, (value, flag) => parseDuration(value, flag, { allowZero: key === 'grace' }));
  }
  return { ...(fields as Partial<Environment>), name, source: path };
}

/** All environments: built-ins overlaid by the config file's entries of the same name. */
export function listEnvironments(config: ConfigFile | null): Environment[] {
  const byName = new Map<string, Environment>(BUILT_IN_ENVIRONMENTS.map((e) => [e.name, e]));
  for (const env of config?.environments ?? []) {
    const base = byName.get(env.name) ?? { url: null, authUrl: null };
    byName.set(env.name, { ...base, ...env });
  }
  return [...byName.values()];
}

/** Finds an environment by name or throws a usage error listing the known ones. */
export function findEnvironment(name: string, config: ConfigFile | null): Environment {
  const all = listEnvironments(config);
  const env = all.find((e) => e.name === name);
  if (!env) {
    throw new UsageError('UNKNOWN_ENV', `unknown environment "${name}"`, {
      hint: `known: ${all.map((e) => e.name).join(', ')}; add more in ws-validate.config.json`,
    });
  }
  return env;
}

/** Default budgets of PROTOCOL.md section 5. */
export const DEFAULT_BUDGETS = {
  totalMs: 30_000,
  firstEventMs: 15_000,
  connectMs: 10_000,
  graceMs: 300,
} as const satisfies Budgets;

/** Caps every budget by the total, so a default above an explicit --timeout is not an error. */
export function capBudgets(budgets: Budgets): Budgets {
  const cap = (ms: number): number => Math.min(ms, budgets.totalMs);
  return {
    totalMs: budgets.totalMs,
    connectMs: cap(budgets.connectMs),
    firstEventMs: cap(budgets.firstEventMs),
    graceMs: cap(budgets.graceMs),
  };
}
