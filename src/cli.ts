import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { RUN_OPTIONS, type OptionSpec } from './cli-options.js';
import { ExitCode, WsValidateError } from './errors.js';
import { createRedactor } from './redact.js';
import { SCENARIOS } from './server/scenarios.js';
import type { RunFlags } from './settings.js';

/** A writable text stream, as stdout and stderr are. */
export interface TextSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Everything main() touches of the outside world, so tests run it in-process. */
export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM: a run stops and reports what it saw. */
  signal?: AbortSignal;
}

/** The package version, read once from package.json beside the compiled code. */
export function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function addOptions(command: Command, specs: readonly OptionSpec[]): Command {
  for (const spec of specs) {
    const option = new Option(spec.flags, spec.description).helpGroup(spec.group);
    if (spec.parse) option.argParser(spec.parse);
    command.addOption(option);
  }
  return command;
}

/** Builds the commander program; `onRun` etc. receive the parsed options. */
export function buildProgram(
  io: CliIo,
  result: { code: number },
  redact: (text: string) => string = createRedactor([]),
): Command {
  const program = new Command('ws-validate');
  program
    .description(
      "Check that an AI agent's real-time WebSocket event stream honours its contract.\n" +
        'Connects, triggers a DataHelper run, validates every frame, and exits with a code CI acts on.',
    )
    .version(readVersion(), '-V, --version')
    .exitOverride()
    // Options after a subcommand belong to it: `check --json`, `schemas --schemas`, `envs --config`.
    .enablePositionalOptions()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // One line (commander puts its suggestion on a second one), with secrets masked.
      outputError: (text, write) => write(`${redact(flattenLines(text))}\n`),
    })
    .showSuggestionAfterError(true)
    .addHelpText('after', EXIT_CODE_HELP);

  const runAction = async (flags: RunFlags & { config?: string }): Promise<void> => {
    const { runCommand } = await import('./commands/run.js');
    result.code = await runCommand(flags, io);
  };
  addOptions(program, RUN_OPTIONS).action(runAction);
  addOptions(
    program.command('run').description('validate one environment (the default command)'),
    RUN_OPTIONS,
  )
    .addHelpText('after', EXIT_CODE_HELP)
    .action(runAction);

  program
    .command('serve')
    .description('run the reference agent server (the embedded default) with a fault scenario')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', '8765')
    .option('--scenario <name>', 'fault scenario for every connection (default: happy)')
    .option(
      '--jwt-secret <secret>',
      'HS256 secret; without it one is generated and a token printed',
    )
    .option('--step-delay <duration>', 'delay between agent events (default: 200ms; 0ms for none)')
    .addHelpText('after', () => scenarioHelp())
    .action(async (flags: Record<string, string | undefined>) => {
      const { serveCommand } = await import('./commands/serve.js');
      result.code = await serveCommand(flags, io);
    });

  program
    .command('check')
    .description('re-judge a recording (--record) or a plain NDJSON file of received frames')
    .argument('<file>', 'the .ndjson file')
    .option('--schemas <dir>', 'JSON Schema directory (default: the bundled schemas/)')
    .option('--json', 'print the JSON report on stdout')
    .option('-q, --quiet', 'print only the verdict line')
    .option('--no-color', 'no colours')
    .option('--no-step-summary', 'do not append to $GITHUB_STEP_SUMMARY')
    .option('--no-annotations', 'no ::error annotations under GitHub Actions')
    .option(
      '--report <format=path>',
      'also write a report: junit, json or markdown (repeatable)',
      (v: string, prev: unknown) =>
        RUN_OPTIONS.find((o) => o.flags.startsWith('--report'))!.parse!(v, prev),
    )
    .action(async (file: string, flags: Record<string, unknown>) => {
      const { checkCommand } = await import('./commands/check.js');
      result.code = await checkCommand(file, flags, io);
    });

  program
    .command('schemas')
    .description('compile every schema and list which event each covers')
    .option('--schemas <dir>', 'JSON Schema directory (default: the bundled schemas/)')
    .action(async (flags: { schemas?: string }) => {
      const { schemasCommand } = await import('./commands/schemas.js');
      result.code = await schemasCommand(flags, io);
    });

  program
    .command('envs')
    .description('list the known environments (built-in and from the config file)')
    .option('-c, --config <file>', 'config file (default: ./ws-validate.config.json when present)')
    .action(async (flags: { config?: string }) => {
      const { envsCommand } = await import('./commands/envs.js');
      result.code = await envsCommand(flags, io);
    });

  return program;
}

function scenarioHelp(): string {
  const width = Math.max(...SCENARIOS.map((s) => s.name.length));
  const rows = SCENARIOS.map((s) => `  ${s.name.padEnd(width)}  ${s.description}`);
  return `\nScenarios (also per connection: ?scenario=NAME on the URL):\n${rows.join('\n')}\n`;
}

const EXIT_CODE_HELP = `
Exit codes:
  0    every required event passed and every rule held
  1    contract failed (schema, rule, missing event, non-JSON frame, error event)
  2    usage or configuration error
  3    connection failure before a verdict (refused, DNS, TLS, dropped, 1011, frame too large)
  4    authentication rejected
  5    timed out after the run started, with no violation seen
  70   internal error
  130  interrupted
`;

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const result = { code: ExitCode.Pass as number };
  const redact = createRedactor(secretsIn(argv, io.env));
  const program = buildProgram(io, result, redact);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return result.code;
  } catch (error) {
    return reportError(error, io, redact);
  }
}

const USAGE_HINT = 'run ws-validate --help for usage';

// Hints for usage errors whose source gives none.
const FALLBACK_HINTS: Readonly<Record<string, string>> = {
  CONFIG_INVALID: 'fix the file; "Config file" in the README shows the expected shape',
  CONFIG_UNREADABLE: 'check the --config path and its permissions',
  TOKEN_COMMAND_FAILED: 'run the command by hand: it should exit 0 and print only the token',
  TOKEN_FILE_UNREADABLE: 'check the --token-file path and its permissions',
};

/**
 * The one place that maps an exception to an exit code and a message on stderr: an expected error
 * is one `error:` line and one `hint:` line, both redacted; only a bug prints a stack.
 */
export function reportError(
  error: unknown,
  io: CliIo,
  redact: (text: string) => string = createRedactor([]),
): number {
  const say = (text: string): void => void io.stderr.write(`${redact(flattenLines(text))}\n`);
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
      return ExitCode.Pass;
    }
    if (error.code === 'commander.help') return ExitCode.Pass;
    // commander already printed its message; add the way to more help.
    say(`hint: ${USAGE_HINT}`);
    return ExitCode.Usage;
  }
  if (error instanceof WsValidateError) {
    say(`error: ${error.message}`);
    const hint =
      error.hint ??
      FALLBACK_HINTS[error.code] ??
      (error.exitCode === ExitCode.Usage ? USAGE_HINT : undefined);
    if (hint) say(`hint: ${hint}`);
    return error.exitCode;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(
    `${redact(`internal error: ${stack}`)}\nThis is a bug in ws-validate; please report it.\n`,
  );
  return ExitCode.Internal;
}

// Flags and environment variables whose value is a secret, masked in every error message.
const SECRET_FLAGS = ['--token', '--jwt-secret', '--e2e-key'];
const SECRET_ENV = ['WS_VALIDATE_TOKEN', 'WS_VALIDATE_JWT_SECRET', 'E2E_OAUTH_SIMULATION_KEY'];

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
  for (const name of SECRET_ENV) {
    const value = env[name];
    if (value) secrets.push(value);
  }
  return secrets;
}

/** Joins the lines of a message into one, so that every error stays on one line. */
function flattenLines(text: string): string {
  return text.trim().replace(/\s*[\r\n]+\s*/g, ' ');
}

function processIo(): CliIo {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts += 1;
    // A second Ctrl-C means "now": the first one is already closing the socket and reporting.
    if (interrupts > 1) {
      process.stderr.write('interrupted again; exiting now\n');
      process.exit(ExitCode.Interrupted);
    }
    process.stderr.write('interrupted; stopping cleanly (press Ctrl-C again to exit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  };
}
