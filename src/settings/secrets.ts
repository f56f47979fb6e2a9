import { OPTIONS, type RunFlags } from './options.js';
import type { OptionRow } from './option-row.js';
import { PROXY_ENV_VARS, proxyCredentials } from './proxy.js';
import { isSecretHeaderName } from '../shared/redact.js';

/** The options whose value is a secret. */
export const SECRET_OPTIONS: readonly OptionRow[] = (OPTIONS as readonly OptionRow[]).filter(
  (row) => row.secret === true,
);

/** Environment variables whose value is a secret. */
export const SECRET_ENV_VARS = SECRET_OPTIONS.flatMap((row) => (row.env ? [row.env] : []));

/**
 * The secrets among parsed flags and the environment: secret options, the values of `--header`s
 * named like credentials, and the credentials of the proxy URLs.
 */
export function secretsOf(
  flags: RunFlags,
  env: Readonly<Record<string, string | undefined>>,
): (string | undefined)[] {
  const given = flags as Readonly<Record<string, unknown>>;
  return [
    ...SECRET_OPTIONS.map((row) => given[row.key]).filter((v) => typeof v === 'string'),
    ...SECRET_ENV_VARS.map((name) => env[name]),
    ...(flags.header ?? []).filter((h) => isSecretHeaderName(h.name)).map((h) => h.value),
    ...(flags.proxy === undefined ? [] : proxyCredentials(flags.proxy)),
    ...PROXY_ENV_VARS.flatMap((name) => proxyCredentials(env[name] ?? '')),
  ];
}
