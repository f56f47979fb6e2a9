import { ExitCode, verdictFor } from '../shared/errors.js';
import { DIAGNOSIS_CODES, describeFieldError } from './types.js';
import type { DiagnosisCode, EventStatus, TriggerInfo } from './types.js';
import { REPORT_SCHEMA_VERSION, type RunLatencies, type RunReport } from './run-report.js';
import { meetsGate } from './pass-rate.js';
import { isUnjudgedEvent, runErrorOf } from './verdict.js';

/** Nearest-rank percentiles of a latency in milliseconds; null when no run measured it. */
export interface Percentiles {
  p50: number | null;
  p95: number | null;
  max: number | null;
}

/** The part of one run's report that the aggregate of repeated runs needs. */
export interface RunSummary {
  /** 1-based position of the run. */
  index: number;
  verdict: RunReport['verdict'];
  exitCode: number;
  trigger: TriggerInfo;
  durationMs: number;
  latencies: RunLatencies;
  /** Status of each required event in this run. */
  events: Record<string, EventStatus>;
  /** One line per problem; ids in diagnoses are masked when failures are grouped across runs. */
  failures: string[];
  /** Codes of the run's diagnoses, e.g. `cross_talk`. */
  diagnoses: DiagnosisCode[];
  /** Why the run could not be judged, e.g. `AUTH_FAILED`; only for the verdict `error`. */
  errorCode?: string;
}

/** The report of repeated runs (`--runs N`), the document behind the aggregate formats. */
export interface AggregateReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  verdict: RunReport['verdict'];
  exitCode: number;
  target: RunReport['target'];
  runs: RunSummary[];
  aggregate: {
    /** Runs that ran, as `runs` lists them. */
    total: number;
    /** Runs that never started: the batch was interrupted first. */
    notStarted: number;
    /** Runs judged on the contract (verdict `pass` or `fail`); the pass rate is over these. */
    judged: number;
    passed: number;
    /** Judged runs that failed the contract (exit 1 or 5). */
    failed: number;
    /** Runs that could not be judged (verdict `error`: exit 3, 4, 130); no contract failure. */
    untestable: number;
    /** How many untestable runs ended with each error code, e.g. `{ "AUTH_FAILED": 2 }`. */
    untestableCodes: Record<string, number>;
    /** Passed runs over judged runs, from 0 to 1; 0 when no run was judged. */
    passRate: number;
    /** The gate the pass rate was held to, from 0 to 1. */
    minPassRate: number;
    /** How many judged runs each required event passed in, in the profile's order. */
    perEvent: Record<string, number>;
    topFailures: { message: string; count: number }[];
    /** In how many runs each diagnosis was made (codes that occurred only), e.g. `cross_talk`. */
    diagnoses: Partial<Record<DiagnosisCode, number>>;
    latency: { connect: Percentiles; firstEvent: Percentiles; completed: Percentiles };
    sessionsPerSecond: number;
    /** Wall-clock time of all runs in milliseconds. */
    durationMs: number;
  };
}

/** Options of `aggregateRuns`. */
export interface AggregateOptions {
  /** Lowest pass rate (0 to 1) that still exits 0. */
  minPassRate: number;
  /** Wall-clock time of all runs in milliseconds. */
  durationMs: number;
  target: RunReport['target'];
  /** The required events of the profile the runs were judged by, in its order. */
  requiredEvents: readonly string[];
  /** The batch was interrupted (SIGINT, SIGTERM): exit 130 whatever the runs say. */
  interrupted?: boolean;
  /** Runs that never started because the batch was interrupted first. */
  notStarted?: number;
}

const TOP_FAILURES = 5;

// When no run could be judged, the batch exits with the first of these that any run ended with
// (an interrupt, then an auth failure: credentials are the one cause every run shares), else 3.
const UNTESTABLE_EXIT_ORDER: readonly number[] = [ExitCode.Interrupted, ExitCode.Auth];

/** Reduces one run's report to the summary the aggregate needs. */
export function summariseRun(
  report: RunReport,
  index: number,
  latencies: RunLatencies,
): RunSummary {
  // A Map first: event types are named by the profile, which may be a user's.
  const events = new Map<string, EventStatus>();
  const failures: string[] = [];
  const runError = runErrorOf(report);
  if (runError !== undefined) failures.push(`${runError.code}: ${runError.message}`);
  for (const event of report.events) {
    if (event.optional !== true) events.set(event.type, event.status);
    if (event.status === 'pass' || isUnjudgedEvent(report, event)) continue;
    if (event.status === 'missing' || event.errors.length === 0) {
      failures.push(`${event.type} ${event.status}`);
    } else {
      for (const error of event.errors)
        failures.push(`${event.type}: ${describeFieldError(error)}`);
    }
  }
  for (const rule of report.rules) {
    if (rule.status === 'fail') failures.push(`rule ${rule.id}: ${rule.message}`);
  }
  for (const d of report.diagnoses) failures.push(`${d.code}: ${d.message}`);
  return {
    index,
    verdict: report.verdict,
    exitCode: report.exitCode,
    trigger: report.trigger,
    durationMs: report.durationMs,
    latencies,
    events: Object.fromEntries(events),
    failures,
    diagnoses: report.diagnoses.map((d) => d.code),
    ...(report.verdict === 'error' && runError !== undefined ? { errorCode: runError.code } : {}),
  };
}

/**
 * Aggregates run summaries into the pass rate over the judged runs, the untestable runs beside it,
 * per-event pass counts, top failures, latency percentiles and an exit code.
 */
export function aggregateRuns(summaries: RunSummary[], options: AggregateOptions): AggregateReport {
  const total = summaries.length;
  const judgedRuns = summaries.filter((s) => s.verdict !== 'error');
  const judged = judgedRuns.length;
  const passed = judgedRuns.filter((s) => s.verdict === 'pass').length;
  const untestableCodes: Record<string, number> = {};
  for (const s of summaries) {
    if (s.verdict !== 'error') continue;
    const code = s.errorCode ?? `EXIT_${s.exitCode}`;
    untestableCodes[code] = (untestableCodes[code] ?? 0) + 1;
  }
  const exitCode = batchExitCode(summaries, options, passed, judged);

  const perEvent = Object.fromEntries(
    options.requiredEvents.map((type) => [
      type,
      judgedRuns.filter((s) => s.events[type] === 'pass').length,
    ]),
  );

  const failureCounts = new Map<string, number>();
  for (const summary of summaries) {
    // Counted once per run, so the count reads as "in how many runs".
    for (const message of new Set(summary.failures.map(normaliseFailure))) {
      failureCounts.set(message, (failureCounts.get(message) ?? 0) + 1);
    }
  }
  const topFailures = [...failureCounts]
    .map(([message, count]) => ({ message, count }))
    .sort((a, b) => b.count - a.count || compareStrings(a.message, b.message))
    .slice(0, TOP_FAILURES);

  const diagnoses: Partial<Record<DiagnosisCode, number>> = {};
  for (const code of DIAGNOSIS_CODES) {
    const count = summaries.filter((s) => s.diagnoses.includes(code)).length;
    if (count > 0) diagnoses[code] = count;
  }

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    verdict: verdictFor(exitCode),
    exitCode,
    target: options.target,
    runs: summaries,
    aggregate: {
      total,
      notStarted: options.notStarted ?? 0,
      judged,
      passed,
      failed: judged - passed,
      untestable: total - judged,
      untestableCodes,
      passRate: judged === 0 ? 0 : passed / judged,
      minPassRate: options.minPassRate,
      perEvent,
      topFailures,
      diagnoses,
      latency: {
        connect: percentiles(summaries.map((s) => s.latencies.connectMs)),
        firstEvent: percentiles(summaries.map((s) => s.latencies.firstEventMs)),
        completed: percentiles(summaries.map((s) => s.latencies.completedMs)),
      },
      sessionsPerSecond:
        options.durationMs > 0 ? roundTo(total / (options.durationMs / 1000), 2) : 0,
      durationMs: options.durationMs,
    },
  };
}

/** Nearest-rank p50, p95 and max of the known values (nulls ignored), in the values' unit. */
export function percentiles(values: readonly (number | null)[]): Percentiles {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  known.sort((a, b) => a - b);
  return { p50: nearestRank(known, 50), p95: nearestRank(known, 95), max: nearestRank(known, 100) };
}

/** Masks uuids (and ids built on them) as `<id>` and frame numbers as `#…`, so that equal problems of different runs group together. */
export function normaliseFailure(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>')
    .replace(/\bframe #\d+/g, 'frame #…');
}

// Interrupted: 130. No run judged: the runs' own reason (130, then 4, else 3). Else the gate,
// compared exactly over the judged runs.
function batchExitCode(
  summaries: readonly RunSummary[],
  options: AggregateOptions,
  passed: number,
  judged: number,
): number {
  if (options.interrupted === true) return ExitCode.Interrupted;
  if (judged === 0) {
    return (
      UNTESTABLE_EXIT_ORDER.find((code) => summaries.some((s) => s.exitCode === code)) ??
      ExitCode.Connection
    );
  }
  return meetsGate(passed, judged, options.minPassRate) ? ExitCode.Pass : ExitCode.ContractFailed;
}

function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function nearestRank(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
