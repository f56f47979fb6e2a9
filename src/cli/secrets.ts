import { SECRET_ENV_VARS, SECRET_OPTIONS } from '../settings/secrets.js';
import { flagNames } from '../settings/option-row.js';
import { optionOf } from '../settings/options.js';
import { PROXY_ENV_VARS, proxyCredentials } from '../settings/proxy.js';
import { isSecretHeaderName } from '../shared/redact.js';

export { SECRET_ENV_VARS, secretsOf } from '../settings/secrets.js';

/** Flags whose value is a secret, masked in every error message. */
export const SECRET_FLAGS = SECRET_OPTIONS.flatMap((row) => ('flags' in row ? flagNames(row) : []));

/** The secrets given on the command line or in the environment, before any parsing. */
export function secretsIn(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const secrets: string[] = [];
  argv.forEach((arg, index) => {
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    if (!SECRET_FLAGS.includes(flag)) return;
    const value = eq === -1 ? argv[index + 1] : arg.slice(eq + 1);
    if (value !== undefined) secrets.push(value);
  });
  for (const name of SECRET_ENV_VARS) {
    const value = env[name];
    if (value) secrets.push(value);
  }
  return [...secrets, ...headerSecretsIn(argv), ...proxySecretsIn(argv, env)];
}

const PROXY_FLAGS = flagNames(optionOf('proxy'));

// The credentials of every proxy URL given, whether or not the run will use it.
function proxySecretsIn(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const urls = argv.flatMap((arg, index) => {
    if (PROXY_FLAGS.includes(arg)) return argv[index + 1] ?? [];
    const flag = PROXY_FLAGS.find((f) => arg.startsWith(`${f}=`));
    return flag === undefined ? [] : arg.slice(flag.length + 1);
  });
  const fromEnv = PROXY_ENV_VARS.flatMap((name) => env[name] ?? []);
  return [...urls, ...fromEnv].flatMap(proxyCredentials);
}

const HEADER_FLAGS = flagNames(optionOf('header'));

// The values of --header arguments whose names say they are secrets, read as commander reads
// them: `--header X`, `--header=X`, `-H X` and `-HX`.
function headerSecretsIn(argv: readonly string[]): string[] {
  const texts = argv.flatMap((arg, index) => {
    if (HEADER_FLAGS.includes(arg)) return argv[index + 1] ?? [];
    const flag = HEADER_FLAGS.find((f) => arg.startsWith(f.startsWith('--') ? `${f}=` : f));
    if (flag === undefined) return [];
    return arg.slice(flag.length + (flag.startsWith('--') ? 1 : 0));
  });
  return texts.flatMap((text) => {
    const colon = text.indexOf(':');
    const value = text.slice(colon + 1).trim();
    return colon !== -1 && value !== '' && isSecretHeaderName(text.slice(0, colon)) ? [value] : [];
  });
}
