import { REPORT_FORMATS } from '../report/formats.js';
import { CONNECTION_OPTIONS } from './connection-options.js';
import {
  NAMED_TRIGGERS,
  durationOption,
  durationOrZeroOption,
  parseCount,
  parseRate,
  parseReportTarget,
  parseSize,
} from './parse.js';
import {
  longFlag,
  oneOf,
  type ConfigFieldsOf,
  type FlagOption,
  type FlagsOf,
  type OptionRow,
  type ParsedValue,
} from './option-row.js';

export { CONFIG_FILE_NAME } from './connection-options.js';

/** The environment `ws-validate init` writes when no --name is given. */
export const STARTER_ENV_NAME = 'dev';

/**
 * Every option of a run, each declared once: commander's options, the config-file fields, the env
 * vars, the secrets, the defaults and `RunFlags` are derived from it; its order is that of `--help`.
 */
export const OPTIONS = [
  ...CONNECTION_OPTIONS,
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
