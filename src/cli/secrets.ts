import { SECRET_ENV_VARS, SECRET_OPTIONS } from '../settings/secrets.js';
import { flagNames } from '../settings/option-row.js';

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
  return secrets;
}
