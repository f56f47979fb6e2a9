import { UsageError } from '../shared/errors.js';
import { redactUrl } from '../shared/redact.js';
import { CONFIG_SCHEMA_REF } from './config-schema.js';
import { STARTER_ENV_NAME } from './options.js';
import { parsePlacement, parseWsUrl } from './parse.js';

/** What `ws-validate init` writes a config file for. */
export interface StarterSettings {
  url: string;
  auth?: string;
  /** Name of the env var that holds the token. */
  tokenEnv?: string;
  /** The environment's name, also the default one; `dev` when absent. */
  name?: string;
}

const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** The text of a starter config file: strict JSON with `$schema`, one environment that is the default. */
export function starterConfig(settings: StarterSettings): string {
  const name = settings.name ?? STARTER_ENV_NAME;
  if (!ENVIRONMENT_NAME.test(name)) {
    throw new UsageError('BAD_ENV_NAME', `--name: "${name}" is not an environment name`, {
      hint: 'use letters, digits, ".", "-" and "_", e.g. dev or staging-eu',
    });
  }
  if (settings.tokenEnv !== undefined && !ENV_VAR_NAME.test(settings.tokenEnv)) {
    throw new UsageError(
      'BAD_ENV_VAR_NAME',
      `--token-env: "${settings.tokenEnv}" is not an environment variable name`,
      { hint: 'give the name of the variable, not its value, e.g. --token-env DEV_WS_TOKEN' },
    );
  }
  const url = parseWsUrl(settings.url, '--url');
  // The file is meant to be committed: a secret in it would be one in the repository.
  if (redactUrl(url) !== url) {
    throw new UsageError('SECRET_IN_URL', '--url: the URL carries a credential', {
      hint: 'give the URL without it; a config file names the token by env var (--token-env)',
    });
  }
  const environment = {
    url,
    ...(settings.auth === undefined ? {} : { auth: parsePlacement(settings.auth, '--auth') }),
    ...(settings.tokenEnv === undefined ? {} : { tokenEnv: settings.tokenEnv }),
  };
  const file = {
    $schema: CONFIG_SCHEMA_REF,
    defaultEnv: name,
    environments: { [name]: environment },
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}
