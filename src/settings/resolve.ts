import { dirname, normalize } from 'node:path';
import { chooseTokenSource, isPerUser, type TokenSource } from '../auth/sources.js';
import type { ProfileChoice } from '../contract/profiles.js';
import { UsageError } from '../shared/errors.js';
import type { HandshakeMode } from '../session/handshake.js';
import type { Budgets } from '../session/types.js';
import type { ConfigFile } from './config-file.js';
import { findEnvironment, protectedEnvironmentAt, type Environment } from './environments.js';
import { resolveHeaders } from './headers.js';
import { chooseProxy } from './proxy.js';
import type { ProxyRoute } from '../shared/proxy-tunnel.js';
import { envValue, longFlag, type FlagOption, type OptionRow } from './option-row.js';
import {
  defaultOf,
  optionOf,
  type DefaultedKey,
  type OptionKey,
  type OptionValue,
  type RunFlags,
} from './options.js';
import { resolveOutput, type OutputSettings } from './output.js';
import type { AuthPlacement } from './parse.js';

/** Everything a run needs, resolved from flags, env vars, the config file and defaults. */
export interface RunSettings extends OutputSettings {
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
  /** The trigger given by flag, env var or config file; null for the first profile's (else agent_execution). */
  trigger: string | null;
  /** Where the trigger was given: `--trigger`, its env var or the config file's field. */
  triggerSource: string;
  /** Whether the trigger waits for, answers or ignores the handshake of current servers. */
  handshake: HandshakeMode;
  message: string;
  agent: string;
  budgets: Budgets;
  /** The profiles to judge against, as given; empty for the default profile. */
  profiles: ProfileChoice[];
  schemasDir: string | null;
  maxFrameBytes: number;
  record: string | null;
  retries: number;
  runs: number;
  concurrency: number;
  users: number;
  minPassRate: number;
  tls: { ca: string | null; insecure: boolean };
  /** Extra headers of the upgrade request (--header over the environment's), by name. */
  headers: Record<string, string>;
  /** The Origin header of the upgrade request; null for none. */
  origin: string | null;
  /** The proxies of the WebSocket and of the E2E token request; null where there is none. */
  proxy: { ws: ProxyRoute | null; auth: ProxyRoute | null };
  /** One line each about settings that were given but changed or not used. */
  warnings: string[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** An option's text from the first place that gives it, and the name of that place. */
interface Given {
  text: string;
  source: string;
}

/** Options a flag, an env var or an environment of the config file may give. */
type LayeredKey = Extract<OptionKey, keyof RunFlags & keyof Environment>;

/** An option's text from its flag, else its env var, else the environment's config field. */
function given(key: LayeredKey, flags: RunFlags, env: Env, target: Environment): Given | undefined {
  const row: FlagOption = optionOf(key);
  const flag = flags[key];
  if (typeof flag === 'string') return { text: flag, source: longFlag(row) };
  const fromEnv = envValue(row, env);
  if (fromEnv !== undefined) return { text: fromEnv, source: row.env ?? key };
  const configured = target[key];
  if (typeof configured === 'string') return { text: configured, source: target.source };
  return undefined;
}

/** The value of the text an option was given, parsed as the option says. */
function parseGiven<K extends LayeredKey>(key: K, found: Given): OptionValue<K> {
  const { parse }: OptionRow = optionOf(key);
  return (parse ? parse(found.text, found.source) : found.text) as OptionValue<K>;
}

/** The profiles `--profile` gives, folders relative to `cwd`. */
export function flagProfileChoices(
  values: readonly string[] | undefined,
  cwd: string,
): ProfileChoice[] {
  return (values ?? []).map((text) => ({ text, baseDir: cwd, source: '--profile' }));
}

/** The profiles given by `--profile` (relative to `cwd`), else by the environment's `profile` field (relative to the config file). */
export function profileChoices(flags: RunFlags, target: Environment, cwd: string): ProfileChoice[] {
  const given = flagProfileChoices(flags.profile, cwd);
  if (given.length > 0) return given;
  const configured = target.profile;
  if (configured === undefined) return [];
  const source = `${target.source}: "environments.${target.name}.profile"`;
  const baseDir = dirname(target.source);
  return (Array.isArray(configured) ? configured : [configured]).map((text) => ({
    text,
    baseDir,
    source,
  }));
}

/** Resolves the run settings; flags win over env vars, env vars over the config file; relative paths of flags resolve from `cwd`. */
export function resolveRunSettings(
  flags: RunFlags,
  env: Env,
  config: ConfigFile | null,
  cwd = '.',
): RunSettings {
  const target = chooseEnvironment(flags, env, config);
  // The first of flag, env var and config file that gives an option wins, else its default.
  const setting = <K extends LayeredKey & DefaultedKey>(key: K): OptionValue<K> => {
    const found = given(key, flags, env, target);
    return found === undefined ? defaultOf(key) : parseGiven(key, found);
  };
  const warnings: string[] = [];
  const urlGiven = targetUrl(flags, env, target, warnings);
  const embedded = target.name === 'embedded' && urlGiven === undefined;
  const url = urlGiven === undefined ? null : parseGiven('url', urlGiven);
  guardProtected(target, url, flags, config);
  if (flags.scenario !== undefined && !embedded) {
    // Name what took the place of the embedded server: the URL's source, or the environment.
    const instead =
      target.name === 'embedded' ? ` (${urlGiven?.source ?? '--url'} gives a URL)` : '';
    throw new UsageError(
      'SCENARIO_NEEDS_EMBEDDED',
      `--scenario only applies to --env embedded without --url${instead}`,
      {
        hint: 'against another server, add ?scenario=NAME to the URL of a `ws-validate serve`',
      },
    );
  }
  refuseSharedOutputs(flags);
  if (url === null && !embedded) {
    throw new UsageError('NO_URL', `environment "${target.name}" has no url`, {
      hint: `set "url" for it in ${target.source}, or pass --url`,
    });
  }

  const budgets = capBudgets({
    totalMs: setting('timeout'),
    firstEventMs: setting('firstEventTimeout'),
    connectMs: setting('connectTimeout'),
    graceMs: setting('grace'),
  });

  const token = chooseTokenSource(flags, env, target, warnings);
  if (embedded && token.kind !== 'none') {
    warnings.push(
      `--env embedded mints its own tokens; the token from ${token.origin} is not used`,
    );
  }
  const users = flags.users ?? defaultOf('users');
  if (users > 1 && !embedded && !isPerUser(token)) {
    const given =
      token.kind === 'none' ? 'there is no token source' : `${token.origin} gives one token`;
    throw new UsageError(
      'USERS_NEED_MINTING',
      `--users ${users} needs a token per user, and ${given}`,
      {
        hint: 'mint a token per user with --jwt-secret or --e2e-key, or drop --users',
      },
    );
  }

  const placement = setting('auth');
  const headers = resolveHeaders({
    flags: flags.header,
    configured: target.headers,
    field: `${target.source}: "environments.${target.name}.headers`,
    env,
    tokenInHeader: placement === 'header' && (embedded || token.kind !== 'none'),
    warnings,
  });
  const origin = given('origin', flags, env, target);
  const trigger = given('trigger', flags, env, target);
  // The embedded server listens on this machine's loopback: no proxy could reach it.
  if (embedded && flags.proxy !== undefined) {
    warnings.push('--env embedded runs on this machine, without a proxy; --proxy is not used');
  }
  const proxy = {
    ws: url === null ? null : chooseProxy(url, flags.proxy, env),
    auth: token.kind === 'e2e' && !embedded ? chooseProxy(token.authUrl, flags.proxy, env) : null,
  };
  const runs = flags.runs ?? defaultOf('runs');
  return {
    env: target.name,
    envDefaulted: flags.env === undefined && !envValue(optionOf('env'), env) && !config?.defaultEnv,
    url,
    embedded,
    scenario: flags.scenario ?? null,
    authUrl: target.authUrl,
    placement,
    token,
    user: setting('user'),
    trigger: trigger?.text ?? null,
    triggerSource: triggerSource(trigger, target),
    handshake: setting('handshake'),
    message: setting('message'),
    agent: setting('agent'),
    budgets,
    profiles: profileChoices(flags, target, cwd),
    schemasDir: given('schemas', flags, env, target)?.text ?? null,
    maxFrameBytes: flags.maxFrameSize ?? defaultOf('maxFrameSize'),
    ...resolveOutput(flags),
    record: flags.record ?? null,
    retries: flags.retries ?? defaultOf('retries'),
    runs,
    concurrency: Math.min(flags.concurrency ?? defaultOf('concurrency'), runs),
    users,
    minPassRate: flags.minPassRate ?? defaultOf('minPassRate'),
    tls: { ca: flags.ca ?? null, insecure: flags.insecure ?? false },
    headers,
    origin: origin === undefined ? null : parseGiven('origin', origin),
    proxy,
    warnings,
  };
}

/** The environment that --env, WS_VALIDATE_ENV, the config's defaultEnv or the default names. */
function chooseEnvironment(flags: RunFlags, env: Env, config: ConfigFile | null): Environment {
  const named = flags.env ?? envValue(optionOf('env'), env);
  if (named !== undefined || !config?.defaultEnv) {
    return findEnvironment(named ?? defaultOf('env'), config);
  }
  try {
    return findEnvironment(config.defaultEnv, config);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    throw new UsageError(
      error.code,
      `${config.path}: "defaultEnv" names the unknown environment "${config.defaultEnv}"`,
      { ...(error.hint === undefined ? {} : { hint: error.hint }), cause: error },
    );
  }
}

// A template named in the config file is that file's field, not the --trigger flag.
function triggerSource(found: Given | undefined, target: Environment): string {
  if (found === undefined || found.source !== target.source) return found?.source ?? '--trigger';
  return `${target.source}: "environments.${target.name}.trigger"`;
}

/**
 * Where the URL comes from: --url, else the environment a --env flag names (a flag outranks
 * WS_VALIDATE_URL, which is then not used, with a warning), else the env var, else the config file.
 */
function targetUrl(
  flags: RunFlags,
  env: Env,
  target: Environment,
  warnings: string[],
): Given | undefined {
  const found = given('url', flags, env, target);
  if (flags.url !== undefined || flags.env === undefined || found?.source !== 'WS_VALIDATE_URL') {
    return found;
  }
  warnings.push(
    `WS_VALIDATE_URL is set, but --env ${flags.env} names the target; WS_VALIDATE_URL is not used`,
  );
  return target.url === null ? undefined : { text: target.url, source: target.source };
}

// Real agents cost real money: a protected environment, or a URL on its host, needs a confirmation.
function guardProtected(
  target: Environment,
  url: string | null,
  flags: RunFlags,
  config: ConfigFile | null,
): void {
  if (flags.confirmProduction) return;
  if (target.protected) {
    throw new UsageError(
      'PRODUCTION_NOT_CONFIRMED',
      `"${target.name}" runs real agents for real money; nothing was sent`,
      { hint: 'add --confirm-production if you mean it' },
    );
  }
  const guarded = url === null ? undefined : protectedEnvironmentAt(url, config);
  if (guarded !== undefined) {
    throw new UsageError(
      'PRODUCTION_NOT_CONFIRMED',
      `${new URL(url as string).hostname} is the host of "${guarded.name}", which runs real agents for real money; nothing was sent`,
      { hint: 'add --confirm-production if you mean it' },
    );
  }
}

// One file cannot take two outputs, and a recording holds one session.
function refuseSharedOutputs(flags: RunFlags): void {
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
  if (flags.record !== undefined && (flags.runs ?? defaultOf('runs')) > 1) {
    throw new UsageError('RECORD_NEEDS_ONE_RUN', '--record records one run, not --runs', {
      hint: 'drop --runs to record a session, or drop --record',
    });
  }
}

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
