import { main } from '../../src/cli/main.js';
import { type CliIo } from '../../src/cli/io.js';

/** What one in-process CLI invocation printed and returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `main()` in-process with captured, non-TTY streams. */
export async function runCli(
  args: readonly string[],
  options: {
    env?: Record<string, string | undefined>;
    cwd?: string;
    signal?: AbortSignal;
    stdin?: NodeJS.ReadableStream;
  } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { ...options.env },
    cwd: options.cwd ?? process.cwd(),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.stdin ? { stdin: options.stdin } : {}),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

let warm: Promise<unknown> | null = null;

/**
 * Runs one quick embedded run in this test process, once, so that tests which bound the wall time
 * of a run measure the run and not the first, cold import of the CLI's modules.
 */
export function warmUpCli(): Promise<unknown> {
  warm ??= runCli(['--env', 'embedded', '--quiet', '--grace', '0']);
  return warm;
}
