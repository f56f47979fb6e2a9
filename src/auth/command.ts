import { spawn } from 'node:child_process';
import { InterruptedError, UsageError, type WsValidateError } from '../shared/errors.js';
import { truncateText } from '../shared/fields.js';

/** How to run a token command: its deadline, working directory and environment. */
export interface TokenCommandOptions {
  /** Deadline for the whole command in milliseconds. */
  timeoutMs: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C: the command is killed and the run is reported as interrupted. */
  signal?: AbortSignal;
}

// A token is short; anything this large is a wrong command, not a token.
const MAX_OUTPUT_BYTES = 1024 * 1024;
const MAX_STDERR_CHARS = 200;

/** The program name of a shell command, which is safe to show (its arguments may hold secrets). */
function programOf(command: string): string {
  return command.trim().split(/\s+/, 1)[0] ?? '';
}

function lastLine(text: string): string {
  return truncateText(text.trim().split('\n').pop()?.trim() ?? '', MAX_STDERR_CHARS);
}

/**
 * Runs a shell command and resolves with its stdout (the token, trimmed by the caller); a non-zero exit, empty
 * output or a missed deadline (`timeoutMs`, after which the whole process group is killed) is a
 * usage error whose message never contains stdout.
 */
export function readTokenFromCommand(
  command: string,
  options: TokenCommandOptions,
): Promise<string> {
  const program = programOf(command);
  return new Promise<string>((resolve, reject) => {
    const child = spawn(command, {
      shell: true,
      cwd: options.cwd,
      // Without `env`, spawn passes on this process's environment.
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a timeout can kill the shell and everything it started.
      // eslint-disable-next-line no-restricted-globals -- the process-group kill needs the platform
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let failure: WsValidateError | null = null;

    const killTree = (): void => {
      try {
        // The one use of `process` outside cli/: a negative pid kills the command's whole group.
        // eslint-disable-next-line no-restricted-globals
        if (process.platform !== 'win32' && child.pid !== undefined)
          // eslint-disable-next-line no-restricted-globals
          process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const fail = (error: WsValidateError): void => {
      if (failure !== null) return;
      failure = error;
      clearTimeout(timer);
      killTree();
      // A descendant that escaped the group may hold the pipes open; 'close' must not wait for it.
      child.stdout.destroy();
      child.stderr.destroy();
    };
    const timer = setTimeout(() => {
      fail(
        new UsageError(
          'TOKEN_COMMAND_TIMEOUT',
          `The token command (${program}) did not finish within ${options.timeoutMs} ms.`,
          {
            hint: 'Check that it runs without prompting for input, or give it longer with --connect-timeout.',
          },
        ),
      );
    }, options.timeoutMs);
    const onAbort = (): void =>
      fail(new InterruptedError(`the token command (${program}) was interrupted`));
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > MAX_OUTPUT_BYTES) {
        fail(
          new UsageError(
            'TOKEN_COMMAND_FAILED',
            `The token command (${program}) printed more than ${MAX_OUTPUT_BYTES} bytes.`,
            { hint: 'It should print only the token.' },
          ),
        );
        return;
      }
      stdout.push(chunk);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      // Keep only the tail, which is where a failing command explains itself.
      stderr = (stderr + chunk).slice(-4096);
    });
    child.on('error', (error) => {
      fail(
        new UsageError(
          'TOKEN_COMMAND_FAILED',
          `The token command (${program}) could not be started: ${error.message}.`,
          { cause: error },
        ),
      );
    });
    // 'close' (not 'exit') so that all output has been read.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (failure !== null) {
        reject(failure);
        return;
      }
      const detail = lastLine(stderr);
      const hint = detail.length > 0 ? `It said on stderr: ${detail}` : undefined;
      if (code !== 0) {
        const how =
          code === null ? `was killed by ${signal ?? 'a signal'}` : `exited with code ${code}`;
        reject(
          new UsageError('TOKEN_COMMAND_FAILED', `The token command (${program}) ${how}.`, {
            hint,
          }),
        );
        return;
      }
      // The caller trims the token; blank output is no token at all.
      const token = Buffer.concat(stdout).toString('utf8');
      if (token.trim().length === 0) {
        reject(
          new UsageError(
            'TOKEN_COMMAND_FAILED',
            `The token command (${program}) printed nothing on stdout.`,
            { hint: hint ?? 'It should print the token on stdout.' },
          ),
        );
        return;
      }
      resolve(token);
    });
  });
}
