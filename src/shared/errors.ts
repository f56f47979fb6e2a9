/** Exit codes of ws-validate; CI scripts and deploy gates act on these numbers. */
export const ExitCode = {
  /** Every required event passed and every rule held. */
  Pass: 0,
  /** The contract failed: schema, rule, missing event, non-JSON frame, error event. */
  ContractFailed: 1,
  /** Usage or configuration error: flag, env var, config file, schema file. */
  Usage: 2,
  /** Connection failure before a verdict: refused, DNS, TLS, dropped (1006), 1011, going away (1001, 1012-1014), frame too large. */
  Connection: 3,
  /** Authentication rejected: 401/403 on upgrade, or AUTH_FAILED / 1008 before agent events. */
  Auth: 4,
  /** The run started but did not finish within the budget, and no violation was seen. */
  Timeout: 5,
  /** A bug in ws-validate itself. */
  Internal: 70,
  /** Interrupted by SIGINT or SIGTERM. */
  Interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Report verdict for an exit code: `pass` for 0, `fail` for 1 and 5, `error` otherwise. */
export function verdictFor(exitCode: number): 'pass' | 'fail' | 'error' {
  if (exitCode === ExitCode.Pass) return 'pass';
  if (exitCode === ExitCode.ContractFailed || exitCode === ExitCode.Timeout) return 'fail';
  return 'error';
}

export interface WsValidateErrorOptions {
  /** A sentence telling the user what to do next. */
  hint?: string;
  cause?: unknown;
}

/** Base of every expected failure: a stable string `code`, the exit code it maps to, an optional hint. */
export class WsValidateError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;

  constructor(
    code: string,
    exitCode: ExitCodeValue,
    message: string,
    options: WsValidateErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.hint = options.hint;
  }
}

/** A flag, env var, config file, schema file or template the user gave is wrong (exit 2). */
export class UsageError extends WsValidateError {
  constructor(code: string, message: string, options?: WsValidateErrorOptions) {
    super(code, ExitCode.Usage, message, options);
  }
}

/** The connection could not be made or was lost before a verdict (exit 3). */
export class ConnectionError extends WsValidateError {
  constructor(code: string, message: string, options?: WsValidateErrorOptions) {
    super(code, ExitCode.Connection, message, options);
  }
}

/** The server rejected our credentials (exit 4). */
export class AuthError extends WsValidateError {
  constructor(code: string, message: string, options?: WsValidateErrorOptions) {
    super(code, ExitCode.Auth, message, options);
  }
}

/** The run was interrupted by a signal (exit 130). */
export class InterruptedError extends WsValidateError {
  constructor(message = 'interrupted') {
    super('INTERRUPTED', ExitCode.Interrupted, message);
  }
}
