import { AUTH_PLACEMENTS, parsePlacement, parseScenario, parseWsUrl } from './parse.js';
import { oneOf, shaped, type OptionRow } from './option-row.js';

/** Default config file name, looked up in the working directory. */
export const CONFIG_FILE_NAME = 'ws-validate.config.json';

/**
 * The options that say where to connect and how to authenticate: the Target and Auth rows of the
 * option table (settings/options.ts), which lists them first.
 */
export const CONNECTION_OPTIONS = [
  {
    key: 'env',
    flags: '-e, --env <name>',
    help: 'environment: local, staging, production, embedded, or one from the config file',
    group: 'Target',
    default: 'local',
    env: 'WS_VALIDATE_ENV',
  },
  {
    key: 'url',
    flags: '-u, --url <ws-url>',
    help: "WebSocket URL; overrides the environment's",
    group: 'Target',
    parse: shaped(parseWsUrl, { pattern: '^[wW][sS][sS]?://' }),
    env: 'WS_VALIDATE_URL',
    config: 'string',
  },
  { key: 'authUrl', config: 'string', help: 'base URL of the auth service (E2E token endpoint)' },
  {
    key: 'config',
    flags: '-c, --config <file>',
    help: 'config file',
    group: 'Target',
    helpDefault: `./${CONFIG_FILE_NAME} when present`,
  },
  {
    key: 'confirmProduction',
    flags: '--confirm-production',
    help: 'allow a run against a protected environment such as production',
    group: 'Target',
  },
  { key: 'protected', config: 'boolean', help: 'a run against it needs --confirm-production' },
  {
    key: 'scenario',
    flags: '--scenario <name>',
    help: 'with --env embedded: the reference-server fault scenario to run (see `serve --help`)',
    group: 'Target',
    parse: parseScenario,
  },
  {
    key: 'ca',
    flags: '--ca <file>',
    help: 'PEM certificates to trust besides the default ones, for wss:// and the E2E token request',
    group: 'Target',
  },
  {
    key: 'insecure',
    flags: '--insecure',
    help: 'do not verify TLS certificates (wss:// and the E2E token request)',
    group: 'Target',
  },
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
