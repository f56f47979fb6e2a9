import { OPTIONS, type RunFlags } from '../settings/options.js';
import { flagNames, type OptionRow } from '../settings/option-row.js';

const SECRET_OPTIONS = (OPTIONS as readonly OptionRow[]).filter((row) => row.secret === true);

/** Flags whose value is a secret, masked in every error message. */
export const SECRET_FLAGS = SECRET_OPTIONS.flatMap((row) => ('flags' in row ? flagNames(row) : []));

/** Environment variables whose value is a secret. */
export const SECRET_ENV_VARS = SECRET_OPTIONS.flatMap((row) => (row.env ? [row.env] : []));

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
  return secrets;
}

/** The secrets among parsed flags and the environment. */
export function secretsOf(
  flags: RunFlags,
  env: Readonly<Record<string, string | undefined>>,
): (string | undefined)[] {
  const given = flags as Readonly<Record<string, unknown>>;
  return [
    ...SECRET_OPTIONS.map((row) => given[row.key]).filter((v) => typeof v === 'string'),
    ...SECRET_ENV_VARS.map((name) => env[name]),
  ];
}
