import { AUTH_PLACEMENTS, parsePlacement } from './parse.js';
import { oneOf, shaped, type OptionRow } from './option-row.js';

/** The options that say where a run's token comes from and where it goes. */
export const AUTH_ROWS = [
  {
    key: 'token',
    flags: '--token <jwt>',
    help: 'bearer token',
    group: 'Auth',
    env: 'WS_VALIDATE_TOKEN',
    secret: true,
  },
  { key: 'tokenEnv', config: 'string', help: 'name of the env var holding the bearer token' },
  {
    key: 'tokenFile',
    flags: '--token-file <path>',
    help: 'read the token from a file',
    group: 'Auth',
    config: 'string',
    file: true,
  },
  {
    key: 'tokenCommand',
    flags: '--token-command <cmd>',
    help: 'run a command that prints the token',
    group: 'Auth',
    config: 'string',
  },
  {
    key: 'jwtSecret',
    flags: '--jwt-secret <secret>',
    help: 'mint an HS256 token with this shared secret',
    group: 'Auth',
    env: 'WS_VALIDATE_JWT_SECRET',
    secret: true,
  },
  { key: 'jwtSecretEnv', config: 'string', help: 'name of the env var holding the HS256 secret' },
  {
    key: 'e2eKey',
    flags: '--e2e-key <key>',
    help: "get a token from the environment's E2E simulation endpoint",
    group: 'Auth',
    env: 'E2E_OAUTH_SIMULATION_KEY',
    secret: true,
  },
  { key: 'e2eKeyEnv', config: 'string', help: 'name of the env var holding the E2E key' },
  {
    key: 'user',
    flags: '--user <id>',
    help: 'user id (sub) of minted tokens',
    group: 'Auth',
    default: 'ws-validate-user',
    config: 'string',
  },
  {
    key: 'auth',
    flags: '--auth <placement>',
    help: `where the token goes: ${oneOf(AUTH_PLACEMENTS)}`,
    group: 'Auth',
    parse: shaped(parsePlacement, { enum: AUTH_PLACEMENTS }),
    default: 'header',
    config: 'string',
  },
] as const satisfies readonly OptionRow[];
