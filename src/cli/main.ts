import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, WsValidateError } from '../shared/errors.js';
import { packageRoot } from '../shared/package-root.js';
import { createRedactor } from '../shared/redact.js';

/** A writable text stream, as stdout and stderr are. */
export interface TextSink {
  write(text: string): unknown;
  isTTY?: boolean;
  /** Width of the terminal in characters, when it is one. */
  columns?: number;
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
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  // The version needs no argument parser; everything else loads it.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    io.stdout.write(`${readVersion()}\n`);
    return ExitCode.Pass;
  }
  const result = { code: ExitCode.Pass as number };
  const redact = createRedactor(secretsIn(argv, io.env));
  try {
    const { buildProgram } = await import('./program.js');
    const program = buildProgram(io, result, redact, argv);
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

/** Joins the lines of a message into one, so that every error stays on one line. */
/** Joins a multi-line message into one line, for error output that stays one line per fact. */
export function flattenLines(text: string): string {
  return text.trim().replace(/\s*[\r\n]+\s*/g, ' ');
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
  };
}
