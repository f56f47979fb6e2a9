import { UsageError } from '../shared/errors.js';
import type { OpenTunnel } from '../shared/proxy-tunnel.js';
import type { Trust } from '../shared/trust.js';
import type { Environment } from '../settings/environments.js';
import { envValue, longFlag, type OptionRow } from '../settings/option-row.js';
import { optionOf, type OptionKey, type RunFlags } from '../settings/options.js';
import { readTokenFromCommand } from './command.js';
import { fetchE2eToken } from './e2e.js';
import { isExpired, readTokenExpiry } from './expiry.js';
import { readTokenFile } from './file.js';
import { mintToken } from './mint.js';

/** Where the run's token comes from; `origin` names the flag, env var or config file that chose it. */
export type TokenSource =
  | { kind: 'literal'; token: string; origin: string }
  | { kind: 'file'; path: string; origin: string }
  | { kind: 'command'; command: string; origin: string }
  | { kind: 'mint'; secret: string; origin: string }
  | { kind: 'e2e'; key: string; authUrl: string; origin: string }
  | { kind: 'none' };

type Env = Readonly<Record<string, string | undefined>>;

// The options that name a token source, in order of precedence among the env vars and the config.
const TOKEN_KEYS = ['token', 'tokenFile', 'tokenCommand', 'jwtSecret', 'e2eKey'] as const;
type TokenKey = (typeof TOKEN_KEYS)[number];

// Config fields that name the env var holding a token option's value, rather than the value.
const CONFIG_ENV_NAMES = {
  token: 'tokenEnv',
  jwtSecret: 'jwtSecretEnv',
  e2eKey: 'e2eKeyEnv',
} as const satisfies Partial<Record<TokenKey, OptionKey>>;

const BEARER_PREFIX = /^bearer\s+/i;

/** A token as a source gave it, without surrounding whitespace or a pasted `Bearer ` prefix. */
export function cleanToken(raw: string): { token: string; droppedBearer: boolean } {
  const trimmed = raw.trim();
  const droppedBearer = BEARER_PREFIX.test(trimmed);
  return { token: droppedBearer ? trimmed.replace(BEARER_PREFIX, '') : trimmed, droppedBearer };
}

function bearerWarning(what: string): string {
  return `${what} starts with "Bearer "; the prefix was dropped (--auth decides how the token is sent)`;
}

/**
 * Chooses the token source: one token flag, else the first token env var that is set, else the
 * environment's first configured source; two token flags, or one given empty, are a usage error.
 * A literal token is cleaned here (see `cleanToken`), with a line in `warnings` when it lost a prefix.
 */
export function chooseTokenSource(
  flags: RunFlags,
  env: Env,
  target: Environment,
  warnings: string[] = [],
): TokenSource {
  const given = TOKEN_KEYS.filter((key) => flags[key] !== undefined);
  if (given.length > 1) {
    const named = given.map((key) => longFlag(optionOf(key)));
    throw new UsageError(
      'TOKEN_SOURCES_CONFLICT',
      `give one token source, not ${named.join(' and ')}`,
    );
  }
  const source = (key: TokenKey, value: string, origin: string): TokenSource => {
    if (value.trim() === '') {
      throw new UsageError('TOKEN_EMPTY', `${origin} is empty`, {
        hint: `give ${origin} a value, or leave it out to use another token source`,
      });
    }
    switch (key) {
      case 'token': {
        const { token, droppedBearer } = cleanToken(value);
        if (droppedBearer) warnings.push(bearerWarning(origin));
        return { kind: 'literal', token, origin };
      }
      case 'tokenFile':
        return { kind: 'file', path: value, origin };
      case 'tokenCommand':
        return { kind: 'command', command: value, origin };
      case 'jwtSecret':
        // The shared secret is used byte for byte: the server signs with exactly what it was given.
        return { kind: 'mint', secret: value, origin };
      case 'e2eKey':
        if (!target.authUrl) {
          throw new UsageError('NO_AUTH_URL', `environment "${target.name}" has no auth URL`, {
            hint: 'set "authUrl" for it in ws-validate.config.json, or use another token source',
          });
        }
        // A header value cannot carry surrounding whitespace, so the key is trimmed like a token.
        return { kind: 'e2e', key: value.trim(), authUrl: target.authUrl, origin };
    }
  };
  const [flagKey] = given;
  if (flagKey !== undefined) {
    return source(flagKey, flags[flagKey] as string, longFlag(optionOf(flagKey)));
  }
  for (const key of TOKEN_KEYS) {
    const row: OptionRow = optionOf(key);
    const value = envValue(row, env);
    if (value !== undefined) return source(key, value, row.env ?? key);
  }
  for (const key of TOKEN_KEYS) {
    const configured = configuredToken(key, env, target);
    if (configured !== undefined) return source(key, configured.value, configured.origin);
  }
  return { kind: 'none' };
}

/** A token option's value from the environment's config: the field itself, or the env var it names. */
function configuredToken(
  key: TokenKey,
  env: Env,
  target: Environment,
): { value: string; origin: string } | undefined {
  if (key === 'tokenFile' || key === 'tokenCommand') {
    const value = target[key];
    return value === undefined ? undefined : { value, origin: target.source };
  }
  const field = CONFIG_ENV_NAMES[key];
  const name = target[field];
  if (name === undefined) return undefined;
  const value = env[name];
  if (!value) {
    throw new UsageError('TOKEN_ENV_EMPTY', `${target.source}: ${field} "${name}" is not set`, {
      hint: `export ${name}=... or choose another token source`,
    });
  }
  return { value, origin: name };
}

/** True when the source gives each user a token of their own (minted or from the E2E endpoint). */
export function isPerUser(source: TokenSource): boolean {
  return source.kind === 'mint' || source.kind === 'e2e';
}

/** What fetching a token needs from the run around it. */
export interface TokenFetchOptions {
  /** Deadline of a token command or an E2E request, in milliseconds. */
  timeoutMs: number;
  /** The environment a token command runs with; this process's when absent. */
  env?: Env;
  /** Aborted on Ctrl-C: a token command or E2E request stops. */
  signal?: AbortSignal;
  /** Wall clock, to tell an expired token. */
  now: () => Date;
  /** Prints a warning line. */
  warn(line: string): void;
  /** Registers a secret so that every output redacts it from now on. */
  addSecret(secret: string): void;
  /** The certificates an https:// auth service is checked against (--ca, --insecure). */
  trust?: Trust;
  /** Opens a tunnel through the proxy of the E2E token request, when it has one. */
  authTunnel?: OpenTunnel;
}

/**
 * Fetches the token of a source for a user (null for none), registering it and the secret it was
 * made with as secrets, and warning when it has already expired.
 */
export async function fetchToken(
  source: TokenSource,
  user: string,
  options: TokenFetchOptions,
): Promise<string | null> {
  const raw = await readToken(source, user, options);
  if (raw === null) return null;
  // Every source's token is cleaned here, once: CI secrets and files often end with a newline.
  const { token, droppedBearer } = cleanToken(raw);
  if (droppedBearer && source.kind !== 'literal' && source.kind !== 'none') {
    options.warn(bearerWarning(`the token from ${source.origin}`));
  }
  options.addSecret(token);
  if (isExpired(token, options.now().getTime())) {
    const expiredAt = new Date((readTokenExpiry(token) ?? 0) * 1000).toISOString();
    options.warn(`the token expired at ${expiredAt}; expect an auth failure`);
  }
  return token;
}

async function readToken(
  source: TokenSource,
  user: string,
  options: TokenFetchOptions,
): Promise<string | null> {
  const signal = options.signal ? { signal: options.signal } : {};
  switch (source.kind) {
    case 'none':
      return null;
    case 'literal':
      return source.token;
    case 'file':
      return readTokenFile(source.path);
    case 'command':
      return readTokenFromCommand(source.command, {
        timeoutMs: options.timeoutMs,
        env: options.env,
        ...signal,
      });
    case 'mint':
      options.addSecret(source.secret);
      return mintToken({ secret: source.secret, sub: user, email: `${user}@ws-validate.test` });
    case 'e2e':
      options.addSecret(source.key);
      return fetchE2eToken({
        authUrl: source.authUrl,
        key: source.key,
        email: `${user}@ws-validate.test`,
        name: user,
        timeoutMs: options.timeoutMs,
        ...signal,
        ...(options.trust ? { trust: options.trust } : {}),
        ...(options.authTunnel ? { tunnel: options.authTunnel } : {}),
      });
  }
}
