import { createSecretKeeper } from '../shared/secrets.js';

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
  /** Standard input, which `check -` reads. */
  stdin?: NodeJS.ReadableStream;
}

/** stdout and stderr behind one redactor that learns secrets as the run resolves them. */
export interface Output {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  redact: (text: string) => string;
  addSecret: (secret: string) => void;
}

/** Wraps the CLI's streams so that nothing reaches them without redaction. */
export function createOutput(io: CliIo, initialSecrets: readonly (string | undefined)[]): Output {
  const keeper = createSecretKeeper(initialSecrets);
  return {
    stdout: (text) => void io.stdout.write(keeper.redact(text)),
    stderr: (text) => void io.stderr.write(keeper.redact(text)),
    redact: keeper.redact,
    addSecret: keeper.add,
  };
}

/** Chalk colour level for the CLI's stdout: 0 when piped, under NO_COLOR or --no-color. */
export function colorLevel(io: CliIo, colorFlag: boolean | null): 0 | 1 | 2 | 3 {
  if (colorFlag === false) return 0;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return 0;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force === '0' || force === 'false' ? 0 : 1;
  if (!io.stdout.isTTY || io.env.TERM === 'dumb') return 0;
  return io.env.COLORTERM === 'truecolor' ? 3 : 2;
}

/** True when a spinner may draw on stderr: a TTY with a width, not CI, not machine-readable output. */
export function spinnerAllowed(io: CliIo, machineReadable: boolean): boolean {
  // A terminal that reports no width (a bare pty) would make the spinner's line arithmetic divide
  // by zero and clear lines for ever.
  const width = io.stderr.columns ?? 0;
  return Boolean(io.stderr.isTTY) && width > 0 && !io.env.CI && !machineReadable;
}
