import { readFileSync } from 'node:fs';
import { ExitCode, WsValidateError } from '../shared/errors.js';
import { flattenLines } from '../shared/fields.js';
import { readVersion } from '../shared/package.js';
import { escapeControl } from '../shared/printable.js';
import { createRedactor } from '../shared/redact.js';
import type { CliIo } from './io.js';

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  // The version needs no argument parser; everything else loads it.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    io.stdout.write(`${readVersion()}\n`);
    return ExitCode.Pass;
  }
  // When stdout is not a terminal (commander then wraps at 80 columns), the help the build wrote
  // is the same text, without loading the parser.
  const prebuilt = argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h');
  const help = prebuilt && !io.stdout.isTTY ? readPrebuiltHelp() : null;
  if (help !== null) {
    io.stdout.write(help);
    return ExitCode.Pass;
  }
  const result = { code: ExitCode.Pass as number };
  let redact = createRedactor([]);
  try {
    // Which flags hold secrets comes from the option table, loaded with the parser.
    const [{ secretsIn }, { buildProgram }] = await Promise.all([
      import('./secrets.js'),
      import('./program.js'),
    ]);
    redact = createRedactor(secretsIn(argv, io.env));
    const program = buildProgram(io, result, redact, argv);
    await program.parseAsync([...argv], { from: 'user' });
    return result.code;
  } catch (error) {
    return reportError(error, io, redact);
  }
}

const USAGE_HINT = 'run ws-validate --help for usage';

/** The file beside the bundle (`dist/`) that holds the top-level help, written by the build. */
export const HELP_FILE = 'help.txt';

// Beside the bundle only: run from the sources, --help always goes through commander.
function readPrebuiltHelp(): string | null {
  try {
    return readFileSync(new URL(`./${HELP_FILE}`, import.meta.url), 'utf8');
  } catch {
    return null;
  }
}

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
  // Messages may quote a server (a close reason, an HTTP status text): shown escaped, on one line.
  const say = (text: string): void =>
    void io.stderr.write(`${escapeControl(redact(flattenLines(text)))}\n`);
  if (isCommanderError(error)) {
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

// Checked by its code, so that this module need not load commander.
function isCommanderError(error: unknown): error is Error & { code: string } {
  return (
    error instanceof Error && String((error as { code?: unknown }).code).startsWith('commander.')
  );
}

function processIo(): CliIo {
  // A reader that goes away (`ws-validate --json | head -1`) is not our failure: the run goes on to
  // its own exit code instead of dying on EPIPE with a stack.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
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
    stdin: process.stdin,
  };
}
