import { normalize } from 'node:path';
import { capBudgets, DEFAULT_BUDGETS, findEnvironment, type ConfigFile } from './environments.js';
import { UsageError } from '../shared/errors.js';
import type { Budgets } from '../session/types.js';
import {
  parseDuration,
  parsePlacement,
  parseWsUrl,
  type AuthPlacement,
  type ReportTarget,
} from './parse.js';

/** Where the run's token comes from. */
export type TokenSource =
  | { kind: 'literal'; token: string; origin: string }
  | { kind: 'file'; path: string }
  | { kind: 'command'; command: string }
  | { kind: 'mint'; secret: string }
  | { kind: 'e2e'; key: string; authUrl: string }
  | { kind: 'none' };

/** Options as given on the command line; absent when not given. */
export interface RunFlags {
  env?: string;
  url?: string;
  token?: string;
  tokenFile?: string;
  tokenCommand?: string;
  jwtSecret?: string;
  e2eKey?: string;
  user?: string;
  auth?: string;
  trigger?: string;
  message?: string;
  agent?: string;
  timeout?: string;
  firstEventTimeout?: string;
  connectTimeout?: string;
  grace?: string;
  schemas?: string;
  maxFrameSize?: number;
  json?: boolean;
  quiet?: boolean;
  color?: boolean;
  verbose?: boolean;
  report?: ReportTarget[];
  record?: string;
  stepSummary?: boolean;
  annotations?: boolean;
  retries?: number;
  runs?: number;
  concurrency?: number;
  users?: number;
  minPassRate?: number;
  ca?: string;
  insecure?: boolean;
  confirmProduction?: boolean;
  scenario?: string;
}

/** Everything a run needs, resolved from flags, env vars, the config file and defaults. */
export interface RunSettings {
  env: string;
  /** True when no flag, env var or config file named the environment. */
  envDefaulted: boolean;
  /** The WebSocket URL; null when the embedded server provides it. */
  url: string | null;
  embedded: boolean;
  scenario: string | null;
  authUrl: string | null;
  placement: AuthPlacement;
  token: TokenSource;
  user: string;
  trigger: string;
  message: string;
  agent: string;
  budgets: Budgets;
  schemasDir: string | null;
  maxFrameBytes: number;
  output: { json: boolean; quiet: boolean; color: boolean | null; verbose: boolean };
  reports: ReportTarget[];
  record: string | null;
  stepSummary: boolean;
  annotations: boolean;
  retries: number;
  runs: number;
  concurrency: number;
  users: number;
  minPassRate: number;
  tls: { ca: string | null; insecure: boolean };
}

/** Default user id (`sub`) for minted tokens. */
export const DEFAULT_USER = 'ws-validate-user';
/** The request message of the canonical trigger (PROTOCOL.md section 4). */
export const DEFAULT_MESSAGE = 'Generate brief test response with tool usage';
/** Default --max-frame-size: 16 MiB. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** Resolves the run settings; flags win over env vars, env vars over the config file. */
export function resolveRunSettings(
  flags: RunFlags,
  env: Readonly<Record<string, string | undefined>>,
  config: ConfigFile | null,
): RunSettings {
  // An empty environment variable counts as unset.
  const envName = flags.env ?? (env.WS_VALIDATE_ENV || config?.defaultEnv || 'local');
  const target = findEnvironment(envName, config);
  const urlOverride = flags.url ?? (env.WS_VALIDATE_URL || undefined);
  const embedded = target.name === 'embedded' && target.url === null && urlOverride === undefined;

  if (target.protected && !flags.confirmProduction) {
    throw new UsageError(
      'PRODUCTION_NOT_CONFIRMED',
      `"${target.name}" runs real agents for real money; nothing was sent`,
      { hint: 'add --confirm-production if you mean it' },
    );
  }
  if (flags.scenario !== undefined && !embedded) {
    throw new UsageError(
      'SCENARIO_NEEDS_EMBEDDED',
      '--scenario only applies to --env embedded without --url',
      {
        hint: 'against another server, add ?scenario=NAME to the URL of a `ws-validate serve`',
      },
    );
  }

  const outputs = [
    ...(flags.report ?? []).map((r) => r.path),
    ...(flags.record ? [flags.record] : []),
  ];
  const twice = outputs.find(
    (path, i) => outputs.findIndex((p) => normalize(p) === normalize(path)) !== i,
  );
  if (twice !== undefined) {
    throw new UsageError('OUTPUT_TWICE', `${twice} is given to more than one --report/--record`, {
      hint: 'give each report and the recording a file of its own',
    });
  }
  if (flags.record !== undefined && (flags.runs ?? 1) > 1) {
    throw new UsageError('RECORD_NEEDS_ONE_RUN', '--record records one run, not --runs', {
      hint: 'drop --runs to record a session, or drop --record',
    });
  }

  const rawUrl = urlOverride ?? target.url;
  const urlSource =
    flags.url !== undefined ? '--url' : urlOverride ? 'WS_VALIDATE_URL' : target.source;
  const url = rawUrl === null ? null : parseWsUrl(rawUrl, urlSource);
  if (url === null && !embedded) {
    throw new UsageError('NO_URL', `environment "${target.name}" has no url`, {
      hint: `set "url" for it in ${target.source}, or pass --url`,
    });
  }

  const totalMs = duration(flags.timeout ?? target.timeout, '--timeout', DEFAULT_BUDGETS.totalMs);
  const budgets = capBudgets({
    totalMs,
    firstEventMs: duration(
      flags.firstEventTimeout ?? target.firstEventTimeout,
      '--first-event-timeout',
      DEFAULT_BUDGETS.firstEventMs,
    ),
    connectMs: duration(
      flags.connectTimeout ?? target.connectTimeout,
      '--connect-timeout',
      DEFAULT_BUDGETS.connectMs,
    ),
    graceMs: duration(flags.grace ?? target.grace, '--grace', DEFAULT_BUDGETS.graceMs),
  });

  const authUrl = target.authUrl;
  return {
    env: target.name,
    envDefaulted: flags.env === undefined && !env.WS_VALIDATE_ENV && !config?.defaultEnv,
    url,
    embedded,
    scenario: flags.scenario ?? null,
    authUrl,
    placement: parsePlacement(flags.auth ?? target.auth ?? 'header'),
    token: resolveTokenSource(flags, env, target, authUrl),
    user: flags.user ?? target.user ?? DEFAULT_USER,
    trigger: flags.trigger ?? target.trigger ?? 'agent_execution',
    message: flags.message ?? target.message ?? DEFAULT_MESSAGE,
    agent: flags.agent ?? target.agent ?? 'data_helper',
    budgets,
    schemasDir: flags.schemas ?? target.schemas ?? null,
    maxFrameBytes: flags.maxFrameSize ?? DEFAULT_MAX_FRAME_BYTES,
    output: {
      json: flags.json ?? false,
      quiet: flags.quiet ?? false,
      color: flags.color === false ? false : null,
      verbose: flags.verbose ?? false,
    },
    reports: flags.report ?? [],
    record: flags.record ?? null,
    stepSummary: flags.stepSummary ?? true,
    annotations: flags.annotations ?? true,
    retries: flags.retries ?? 0,
    runs: flags.runs ?? 1,
    concurrency: Math.min(flags.concurrency ?? 1, flags.runs ?? 1),
    users: flags.users ?? 1,
    minPassRate: flags.minPassRate ?? 1,
    tls: { ca: flags.ca ?? null, insecure: flags.insecure ?? false },
  };
}

function duration(text: string | undefined, flag: string, fallback: number): number {
  // No grace period at all is a choice; every other budget must leave some time.
  return text === undefined
    ? fallback
    : parseDuration(text, flag, { allowZero: flag === '--grace' });
}

function resolveTokenSource(
  flags: RunFlags,
  env: Readonly<Record<string, string | undefined>>,
  target: ReturnType<typeof findEnvironment>,
  authUrl: string | null,
): TokenSource {
  const given = (
    [
      ['--token', flags.token],
      ['--token-file', flags.tokenFile],
      ['--token-command', flags.tokenCommand],
      ['--jwt-secret', flags.jwtSecret],
      ['--e2e-key', flags.e2eKey],
    ] as const
  ).filter(([, value]) => value !== undefined);
  if (given.length > 1) {
    throw new UsageError(
      'TOKEN_SOURCES_CONFLICT',
      `give one token source, not ${given.map(([flag]) => flag).join(' and ')}`,
    );
  }
  const e2e = (key: string): TokenSource => {
    if (!authUrl) {
      throw new UsageError('NO_AUTH_URL', `environment "${target.name}" has no auth URL`, {
        hint: 'set "authUrl" for it in ws-validate.config.json, or use another token source',
      });
    }
    return { kind: 'e2e', key, authUrl };
  };
  if (flags.token !== undefined) return { kind: 'literal', token: flags.token, origin: '--token' };
  if (flags.tokenFile !== undefined) return { kind: 'file', path: flags.tokenFile };
  if (flags.tokenCommand !== undefined) return { kind: 'command', command: flags.tokenCommand };
  if (flags.jwtSecret !== undefined) return { kind: 'mint', secret: flags.jwtSecret };
  if (flags.e2eKey !== undefined) return e2e(flags.e2eKey);

  if (env.WS_VALIDATE_TOKEN) {
    return { kind: 'literal', token: env.WS_VALIDATE_TOKEN, origin: 'WS_VALIDATE_TOKEN' };
  }
  if (env.WS_VALIDATE_JWT_SECRET) return { kind: 'mint', secret: env.WS_VALIDATE_JWT_SECRET };
  if (env.E2E_OAUTH_SIMULATION_KEY) return e2e(env.E2E_OAUTH_SIMULATION_KEY);

  const fromEnvVar = (name: string | undefined, what: string): string | undefined => {
    if (name === undefined) return undefined;
    const value = env[name];
    if (!value) {
      throw new UsageError('TOKEN_ENV_EMPTY', `${target.source}: ${what} "${name}" is not set`, {
        hint: `export ${name}=... or choose another token source`,
      });
    }
    return value;
  };
  const token = fromEnvVar(target.tokenEnv, 'tokenEnv');
  if (token !== undefined) return { kind: 'literal', token, origin: target.tokenEnv ?? 'config' };
  if (target.tokenFile !== undefined) return { kind: 'file', path: target.tokenFile };
  if (target.tokenCommand !== undefined) return { kind: 'command', command: target.tokenCommand };
  const secret = fromEnvVar(target.jwtSecretEnv, 'jwtSecretEnv');
  if (secret !== undefined) return { kind: 'mint', secret };
  const key = fromEnvVar(target.e2eKeyEnv, 'e2eKeyEnv');
  if (key !== undefined) return e2e(key);
  return { kind: 'none' };
}
