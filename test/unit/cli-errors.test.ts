import { describe, expect, it } from 'vitest';
import { reportError } from '../../src/cli/main.js';
import { type CliIo } from '../../src/cli/io.js';
import { AuthError, ConnectionError, ExitCode, UsageError } from '../../src/shared/errors.js';

function capture(): { io: CliIo; stderr: () => string } {
  let stderr = '';
  const io: CliIo = {
    stdout: { write: () => true },
    stderr: { write: (text: string) => (stderr += text) },
    env: {},
    cwd: '/',
  };
  return { io, stderr: () => stderr };
}

describe('reportError, the one place that maps errors to exit codes', () => {
  it.each([
    [new UsageError('BAD_DURATION', 'x'), ExitCode.Usage],
    [new ConnectionError('CONNECTION_REFUSED', 'x'), ExitCode.Connection],
    [new AuthError('AUTH_REJECTED', 'x'), ExitCode.Auth],
  ])('%s -> its own exit code', (error, code) => {
    expect(reportError(error, capture().io)).toBe(code);
  });

  it('prints an expected error as one error line and one hint line, without a stack', () => {
    const { io, stderr } = capture();
    reportError(new UsageError('CONFIG_INVALID', 'bad file\nat line 3', { hint: 'fix it' }), io);
    expect(stderr()).toBe('error: bad file at line 3\nhint: fix it\n');
  });

  it('maps anything else to 70 with the stack, as a bug to report', () => {
    const { io, stderr } = capture();
    expect(reportError(new TypeError('undefined is not a function'), io)).toBe(ExitCode.Internal);
    expect(ExitCode.Internal).toBe(70);
    expect(stderr()).toMatch(/^internal error: TypeError: undefined is not a function\n\s+at /);
    expect(stderr()).toMatch(/This is a bug in ws-validate; please report it\./);
  });

  it('masks secrets in the message of an unexpected error too', () => {
    const { io, stderr } = capture();
    reportError(new Error('failed with token=abc.def.ghi'), io, (text) =>
      text.replace('abc.def.ghi', '***'),
    );
    expect(stderr()).toContain('token=***');
    expect(stderr()).not.toContain('abc.def.ghi');
  });
});
