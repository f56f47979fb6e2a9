import { REPORT_FORMATS } from '../report/formats.js';
import {
  AUTH_PLACEMENTS,
  NAMED_TRIGGERS,
  durationOption,
  durationOrZeroOption,
  parseCount,
  parsePlacement,
  parseRate,
  parseReportTarget,
  parseScenario,
  parseSize,
  parseWsUrl,
} from './parse.js';
import {
  longFlag,
  oneOf,
  shaped,
  type ConfigFieldsOf,
  type FlagOption,
  type FlagsOf,
  type OptionRow,
  type ParsedValue,
} from './option-row.js';

/** Default config file name, looked up in the working directory. */
export const CONFIG_FILE_NAME = 'ws-validate.config.json';

/** The environment `ws-validate init` writes when no --name is given. */
export const STARTER_ENV_NAME = 'dev';

/**
 * Every option of a run, each declared once: commander's options, the config-file fields, the env
 * vars, the secrets, the defaults and `RunFlags` are derived from it; its order is that of `--help`.
 */
export const OPTIONS = [
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
  {
    key: 'trigger',
    flags: '--trigger <name|file>',
    help: `${oneOf(NAMED_TRIGGERS)}, or a JSON template file`,
    group: 'Trigger',
    helpDefault: "the first profile's trigger, else agent_execution",
    config: 'string',
    file: true,
  },
  {
    key: 'message',
    flags: '--message <text>',
    help: 'the request sent to the agent',
    group: 'Trigger',
    // The request message of the canonical trigger (docs/protocol.md section 4); too long for --help.
    default: 'Generate brief test response with tool usage',
    helpDefault: false,
    config: 'string',
  },
  {
    key: 'agent',
    flags: '--agent <type>',
    help: 'agent_type to run',
    group: 'Trigger',
    default: 'data_helper',
    config: 'string',
  },
  // The budgets' defaults are those of docs/protocol.md section 5.
  {
    key: 'timeout',
    flags: '--timeout <duration>',
    help: 'total budget, e.g. 30s',
    group: 'Budgets',
    parse: durationOption,
    default: '30s',
    config: 'string',
  },
  {
    key: 'firstEventTimeout',
    flags: '--first-event-timeout <duration>',
    help: 'budget for the first agent event',
    group: 'Budgets',
    parse: durationOption,
    default: '15s',
    config: 'string',
  },
  {
    key: 'connectTimeout',
    flags: '--connect-timeout <duration>',
    help: 'budget for the connection',
    group: 'Budgets',
    parse: durationOption,
    default: '10s',
    config: 'string',
  },
  {
    key: 'grace',
    flags: '--grace <duration>',
    help: 'how long to listen after the terminal event',
    group: 'Budgets',
    // No grace period at all is a choice; every other budget must leave some time.
    parse: durationOrZeroOption,
    default: '300ms',
    config: 'string',
  },
  {
    key: 'retries',
    flags: '--retries <n>',
    help: 'retry connection failures n times, with backoff',
    group: 'Budgets',
    parse: (text, source) => parseCount(text, source, 0, 20),
    default: '0',
  },
  {
    key: 'profile',
    flags: '--profile <name|dir>',
    help: 'contract profile: canonical, bridge, flat, frontend, all, a profile folder, or a comma list',
    group: 'Contract',
    helpDefault: 'canonical',
    repeatable: true,
    config: 'strings',
  },
  {
    key: 'schemas',
    flags: '--schemas <dir>',
    help: "JSON Schema directory, in place of the first profile's schemas",
    group: 'Contract',
    config: 'string',
    file: true,
  },
  {
    key: 'maxFrameSize',
    flags: '--max-frame-size <size>',
    help: 'largest frame accepted, e.g. 16MiB',
    group: 'Contract',
    parse: parseSize,
    default: '16MiB',
  },
  { key: 'json', flags: '--json', help: 'print the JSON report on stdout', group: 'Output' },
  { key: 'quiet', flags: '-q, --quiet', help: 'print only the verdict line', group: 'Output' },
  {
    key: 'color',
    flags: '--no-color',
    help: 'no colours (NO_COLOR is honoured too)',
    group: 'Output',
  },
  {
    key: 'verbose',
    flags: '-v, --verbose',
    help: 'show every frame (redacted) on stderr',
    group: 'Output',
  },
  {
    key: 'report',
    flags: '--report <format=path>',
    help: `also write a report: ${oneOf(REPORT_FORMATS)}`,
    group: 'Output',
    parse: parseReportTarget,
    repeatable: true,
  },
  {
    key: 'record',
    flags: '--record <file>',
    help: 'record the session as NDJSON for `ws-validate check`',
    group: 'Output',
  },
  {
    key: 'stepSummary',
    flags: '--no-step-summary',
    help: 'do not append to $GITHUB_STEP_SUMMARY',
    group: 'Output',
  },
  {
    key: 'annotations',
    flags: '--no-annotations',
    help: 'no ::error annotations under GitHub Actions',
    group: 'Output',
  },
  {
    key: 'runs',
    flags: '--runs <n>',
    help: 'independent runs',
    group: 'Scale',
    parse: (text, source) => parseCount(text, source),
    default: '1',
  },
  {
    key: 'concurrency',
    flags: '--concurrency <n>',
    help: 'runs at a time',
    group: 'Scale',
    parse: (text, source) => parseCount(text, source, 1, 10_000),
    default: '1',
  },
  {
    key: 'users',
    flags: '--users <k>',
    help: 'spread runs over k minted users',
    group: 'Scale',
    parse: (text, source) => parseCount(text, source, 1, 100_000),
    default: '1',
  },
  {
    key: 'minPassRate',
    flags: '--min-pass-rate <rate>',
    help: 'pass-rate gate for --runs, 0..1',
    group: 'Scale',
    parse: parseRate,
    default: '1',
  },
] as const satisfies readonly OptionRow[];

type Row = (typeof OPTIONS)[number];
type RowOf<K extends OptionKey> = Extract<Row, { key: K }>;

/** The name of an option, in `RunFlags` and in the config file. */
export type OptionKey = Row['key'];
/** The name of an option given by flags. */
export type FlagKey = Extract<Row, { flags: string }>['key'];
/** The value of an option once parsed. */
export type OptionValue<K extends OptionKey> = ParsedValue<RowOf<K>>;
/** Options as given on the command line; absent when not given. */
export type RunFlags = FlagsOf<Row>;
/** The fields an environment may set in the config file; absent when not set. */
export type ConfigFields = ConfigFieldsOf<Row>;

/** The options given by flags, in `--help` order. */
export const RUN_OPTIONS: readonly FlagOption[] = OPTIONS.filter((row) => 'flags' in row);

/** The row of an option. */
export function optionOf<K extends OptionKey>(key: K): RowOf<K> {
  const row: OptionRow | undefined = OPTIONS.find((o) => o.key === key);
  if (row === undefined) throw new Error(`no option ${key}`);
  return row as RowOf<K>;
}

/** The name of an option that has a default. */
export type DefaultedKey = Extract<Row, { default: string }>['key'];

/** The default of an option, parsed. */
export function defaultOf<K extends DefaultedKey>(key: K): OptionValue<K> {
  const row: OptionRow = optionOf(key);
  const text = row.default as string;
  const parsed = row.parse && 'flags' in row ? row.parse(text, longFlag(row)) : text;
  return parsed as OptionValue<K>;
}

/** The run options with these keys, for the subcommands that share them. */
export function pickOptions(...keys: readonly FlagKey[]): FlagOption[] {
  return keys.map((key) => optionOf(key));
}
