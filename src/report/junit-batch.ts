import type { AggregateReport, RunSummary } from '../contract/aggregate.js';
import { ExitCode } from '../shared/errors.js';
import { compareToGate, summariseBatch } from './describe.js';
import { renderTestsuites, type CaseResult, type JunitCase, type JunitSuite } from './junit-xml.js';

/**
 * Renders the aggregate of repeated runs as JUnit XML: a `gate` testsuite whose one testcase is
 * the batch's verdict, then a testsuite per run (a testcase per required event and one for the
 * run). The file never contradicts the exit code: a batch that exits 0 holds no failure and no
 * error, so the failed runs its gate tolerated and the runs that could not be judged are skipped,
 * each with its reason; a batch that exits non-zero shows them as failures and errors.
 */
export function renderAggregateJunit(agg: AggregateReport): string {
  const passed = agg.exitCode === ExitCode.Pass;
  const required = Object.keys(agg.aggregate.perEvent);
  return renderTestsuites(
    [gateSuite(agg), ...agg.runs.map((run) => runSuite(agg, run, required, passed))],
    agg.aggregate.durationMs,
  );
}

function gateSuite(agg: AggregateReport): JunitSuite {
  const a = agg.aggregate;
  const gate = compareToGate(a.passed, a.judged, a.minPassRate);
  const summary = summariseBatch(a);
  const failures = a.topFailures.map((f) => `${f.count}× ${f.message}`).join('\n');
  const result: CaseResult | undefined =
    agg.verdict === 'pass'
      ? undefined
      : agg.verdict === 'fail'
        ? { kind: 'failure', message: summary, type: 'gate', body: failures || summary }
        : {
            kind: 'error',
            message: summary,
            type: agg.exitCode === ExitCode.Interrupted ? 'INTERRUPTED' : 'NOT_JUDGED',
            body: failures || summary,
          };
  return {
    name: `ws-validate ${agg.target.env} gate`,
    durationMs: a.durationMs,
    properties: [
      ['env', agg.target.env],
      ['url', agg.target.url],
      ['runs', String(a.total)],
      ['not_started', String(a.notStarted)],
      ['judged', String(a.judged)],
      ['passed', String(a.passed)],
      ['failed', String(a.failed)],
      ['not_judged', String(a.untestable)],
      ['pass_rate', gate.rate],
      ['min_pass_rate', gate.gate],
      // Failed runs that the gate let through: their testcases are skipped, not failed.
      ['tolerated_failures', String(agg.exitCode === ExitCode.Pass ? a.failed : 0)],
      ['exit_code', String(agg.exitCode)],
    ],
    cases: [{ classname: 'ws-validate.batch', name: 'pass rate', ...(result ? { result } : {}) }],
  };
}

function runSuite(
  agg: AggregateReport,
  run: RunSummary,
  required: readonly string[],
  batchPassed: boolean,
): JunitSuite {
  const tolerated = `tolerated: the batch passed its gate (--min-pass-rate ${agg.aggregate.minPassRate})`;
  // A failure in a batch that exits 0 is reported as skipped with its reason, not as a failure.
  const failed = (message: string, type: string, body: string): CaseResult =>
    batchPassed
      ? { kind: 'skipped', message: `${tolerated}: ${message}`, type, body }
      : { kind: 'failure', message, type, body };
  const cases: JunitCase[] = required.map((type) => {
    const status = run.events[type] ?? 'missing';
    const testcase = { classname: 'ws-validate.events', name: type };
    if (status === 'pass') return testcase;
    if (run.verdict === 'error') {
      return {
        ...testcase,
        result: { kind: 'skipped', message: 'not judged: the run ended in an error' },
      };
    }
    const message = `${type} ${status}`;
    return { ...testcase, result: failed(message, status, message) };
  });
  const body = run.failures.join('\n');
  const runCase = { classname: 'ws-validate.run', name: `run ${run.index}` };
  const reason = `exit ${run.exitCode}`;
  cases.push(
    run.verdict === 'pass'
      ? runCase
      : run.verdict === 'fail'
        ? { ...runCase, result: failed(reason, 'exit', body) }
        : {
            ...runCase,
            result: batchPassed
              ? {
                  kind: 'skipped',
                  message: `not judged: ${run.errorCode ?? reason}`,
                  type: 'exit',
                  body,
                }
              : { kind: 'error', message: reason, type: run.errorCode ?? 'exit', body },
          },
  );
  return {
    name: `ws-validate ${agg.target.env} run ${run.index}`,
    durationMs: run.durationMs,
    properties: [
      ['thread_id', run.trigger.thread_id],
      ['run_id', run.trigger.run_id],
      ...(run.trigger.user_id === undefined ? [] : [['user_id', run.trigger.user_id] as const]),
      ['exit_code', String(run.exitCode)],
    ],
    cases,
  };
}
