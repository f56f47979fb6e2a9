import {
  parseCount,
  parsePlacement,
  parseRate,
  parseReportTarget,
  parseSize,
  type ReportTarget,
} from './parse.js';

/** One command-line option, declared once and applied to every command that takes it. */
export interface OptionSpec {
  flags: string;
  description: string;
  parse?: (value: string, previous: unknown) => unknown;
  /** Section of `--help` it is listed under. */
  group: string;
}

const collectReport = (value: string, previous: unknown): ReportTarget[] => [
  ...((previous as ReportTarget[] | undefined) ?? []),
  parseReportTarget(value),
];

/** The options of the validator (`ws-validate [run]`). */
export const RUN_OPTIONS: readonly OptionSpec[] = [
  {
    group: 'Target',
    flags: '-e, --env <name>',
    description:
      'environment: local, staging, production, embedded, or one from the config file (default: local)',
  },
  {
    group: 'Target',
    flags: '-u, --url <ws-url>',
    description: "WebSocket URL; overrides the environment's",
  },
  {
    group: 'Target',
    flags: '-c, --config <file>',
    description: 'config file (default: ./ws-validate.config.json when present)',
  },
  {
    group: 'Target',
    flags: '--confirm-production',
    description: 'allow a run against a protected environment such as production',
  },
  {
    group: 'Target',
    flags: '--scenario <name>',
    description:
      'with --env embedded: the reference-server fault scenario to run (see `serve --help`)',
  },
  {
    group: 'Target',
    flags: '--ca <file>',
    description: 'extra CA certificate (PEM) to trust for wss://',
  },
  {
    group: 'Target',
    flags: '--insecure',
    description: "do not verify the server's TLS certificate",
  },
  { group: 'Auth', flags: '--token <jwt>', description: 'bearer token' },
  { group: 'Auth', flags: '--token-file <path>', description: 'read the token from a file' },
  {
    group: 'Auth',
    flags: '--token-command <cmd>',
    description: 'run a command that prints the token',
  },
  {
    group: 'Auth',
    flags: '--jwt-secret <secret>',
    description: 'mint an HS256 token with this shared secret',
  },
  {
    group: 'Auth',
    flags: '--e2e-key <key>',
    description: "get a token from the environment's E2E simulation endpoint",
  },
  {
    group: 'Auth',
    flags: '--user <id>',
    description: 'user id (sub) of minted tokens (default: ws-validate-user)',
  },
  {
    group: 'Auth',
    flags: '--auth <placement>',
    description: 'where the token goes: header, subprotocol or query (default: header)',
    parse: (v) => parsePlacement(v),
  },
  {
    group: 'Trigger',
    flags: '--trigger <name|file>',
    description:
      'agent_execution, start_agent, user_message, or a JSON template file (default: agent_execution)',
  },
  { group: 'Trigger', flags: '--message <text>', description: 'the request sent to the agent' },
  {
    group: 'Trigger',
    flags: '--agent <type>',
    description: 'agent_type to run (default: data_helper)',
  },
  {
    group: 'Budgets',
    flags: '--timeout <duration>',
    description: 'total budget, e.g. 30s (default: 30s)',
  },
  {
    group: 'Budgets',
    flags: '--first-event-timeout <duration>',
    description: 'budget for the first agent event (default: 15s)',
  },
  {
    group: 'Budgets',
    flags: '--connect-timeout <duration>',
    description: 'budget for the connection (default: 10s)',
  },
  {
    group: 'Budgets',
    flags: '--grace <duration>',
    description: 'how long to listen after the terminal event (default: 300ms)',
  },
  {
    group: 'Budgets',
    flags: '--retries <n>',
    description: 'retry connection failures n times, with backoff (default: 0)',
    parse: (v) => parseCount(v, '--retries', 0, 20),
  },
  {
    group: 'Contract',
    flags: '--schemas <dir>',
    description: 'JSON Schema directory (default: the bundled schemas/)',
  },
  {
    group: 'Contract',
    flags: '--max-frame-size <size>',
    description: 'largest frame accepted, e.g. 16MiB (default: 16MiB)',
    parse: (v) => parseSize(v, '--max-frame-size'),
  },
  { group: 'Output', flags: '--json', description: 'print the JSON report on stdout' },
  { group: 'Output', flags: '-q, --quiet', description: 'print only the verdict line' },
  { group: 'Output', flags: '--no-color', description: 'no colours (NO_COLOR is honoured too)' },
  { group: 'Output', flags: '-v, --verbose', description: 'show every frame (redacted) on stderr' },
  {
    group: 'Output',
    flags: '--report <format=path>',
    description: 'also write a report: junit, json or markdown (repeatable)',
    parse: collectReport,
  },
  {
    group: 'Output',
    flags: '--record <file>',
    description: 'record the session as NDJSON for `ws-validate check`',
  },
  {
    group: 'Output',
    flags: '--no-step-summary',
    description: 'do not append to $GITHUB_STEP_SUMMARY',
  },
  {
    group: 'Output',
    flags: '--no-annotations',
    description: 'no ::error annotations under GitHub Actions',
  },
  {
    group: 'Scale',
    flags: '--runs <n>',
    description: 'independent runs (default: 1)',
    parse: (v) => parseCount(v, '--runs'),
  },
  {
    group: 'Scale',
    flags: '--concurrency <n>',
    description: 'runs at a time (default: 1)',
    parse: (v) => parseCount(v, '--concurrency', 1, 10_000),
  },
  {
    group: 'Scale',
    flags: '--users <k>',
    description: 'spread runs over k minted users (default: 1)',
    parse: (v) => parseCount(v, '--users', 1, 100_000),
  },
  {
    group: 'Scale',
    flags: '--min-pass-rate <rate>',
    description: 'pass-rate gate for --runs, 0..1 (default: 1)',
    parse: (v) => parseRate(v, '--min-pass-rate'),
  },
];

/** The run options with these long flags, for the subcommands that share them (declared once). */
export function pickOptions(...longFlags: string[]): OptionSpec[] {
  return longFlags.map((flag) => {
    const spec = RUN_OPTIONS.find((o) => o.flags.split(/[ ,]+/).includes(flag));
    if (spec === undefined) throw new Error(`no run option ${flag}`);
    return spec;
  });
}
