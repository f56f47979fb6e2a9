import { parseScenario, parseWsUrl } from './parse.js';
import { shaped, type OptionRow } from './option-row.js';

/** Default config file name, looked up in the working directory. */
export const CONFIG_FILE_NAME = 'ws-validate.config.json';

/** The options that say which server a run goes to, and how to reach it. */
export const TARGET_ROWS = [
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
] as const satisfies readonly OptionRow[];
