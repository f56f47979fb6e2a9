// Flags and environment variables whose value is a secret, masked in every error message.
const SECRET_FLAGS = ['--token', '--jwt-secret', '--e2e-key'];
/** Environment variables whose value is a secret. */
export const SECRET_ENV_VARS = [
  'WS_VALIDATE_TOKEN',
  'WS_VALIDATE_JWT_SECRET',
  'E2E_OAUTH_SIMULATION_KEY',
] as const;

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
