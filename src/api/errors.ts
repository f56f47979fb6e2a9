import type { AggregateReport } from '../contract/aggregate.js';
import type { RunReport } from '../contract/run-report.js';
import {
  AuthError,
  ConnectionError,
  ExitCode,
  InterruptedError,
  UsageError,
  WsValidateError,
} from '../shared/errors.js';

const reports = new WeakMap<object, RunReport | AggregateReport>();

/** The report of the run an error of `validate` ended, when a run was made (e.g. a partial one on interrupt). */
export function reportOf(error: unknown): RunReport | AggregateReport | undefined {
  return typeof error === 'object' && error !== null ? reports.get(error) : undefined;
}

/** Returns a report that reached a verdict (exit 0, 1 or 5); throws the typed error of any other. */
export function throwUnlessVerdict<T extends RunReport | AggregateReport>(report: T): T {
  const { exitCode } = report;
  if (
    exitCode === ExitCode.Pass ||
    exitCode === ExitCode.ContractFailed ||
    exitCode === ExitCode.Timeout
  ) {
    return report;
  }
  const error = errorOf(report);
  reports.set(error, report);
  throw error;
}

function errorOf(report: RunReport | AggregateReport): WsValidateError {
  const cause = causeOf(report);
  const code = cause?.code ?? `EXIT_${report.exitCode}`;
  const message = cause?.message ?? `the run ended with exit code ${report.exitCode}`;
  const options = cause?.hint === undefined ? {} : { hint: cause.hint };
  switch (report.exitCode) {
    case ExitCode.Usage:
      return new UsageError(code, message, options);
    case ExitCode.Connection:
      return new ConnectionError(code, message, options);
    case ExitCode.Auth:
      return new AuthError(code, message, options);
    case ExitCode.Interrupted:
      return new InterruptedError(message);
    default:
      return new WsValidateError(code, ExitCode.Internal, message, options);
  }
}

// A run's own error; for repeated runs, that of the first run that ended with the aggregate's code.
function causeOf(
  report: RunReport | AggregateReport,
): { code: string; message: string; hint?: string } | undefined {
  if ('error' in report && report.error !== undefined) return report.error;
  if (!('aggregate' in report)) return undefined;
  const run = report.runs.find((r) => r.exitCode === report.exitCode);
  const failure = run?.failures[0];
  return failure === undefined ? undefined : { code: `EXIT_${report.exitCode}`, message: failure };
}
