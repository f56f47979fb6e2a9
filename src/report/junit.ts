import type { EventResult, FieldError } from '../contract/types.js';
import type { RunReport } from '../contract/run-report.js';
import { isUnjudgedEvent, runErrorOf } from '../contract/verdict.js';
import { renderTestsuites, type CaseResult, type JunitCase, type JunitSuite } from './junit-xml.js';
import { hasMatrix, profileReport } from './matrix.js';

/** Options of the JUnit renderer. */
export interface JunitOptions {
  /** Name of the test suite; defaults to `ws-validate <env>`. */
  suiteName?: string;
}

/**
 * Renders a run report as JUnit XML: one testcase per required event and per rule, plus one for a
 * run error or an otherwise unexplained failure; one testsuite per profile when several judged it.
 */
export function renderJunit(report: RunReport, options: JunitOptions = {}): string {
  const suiteName = options.suiteName ?? `ws-validate ${report.target.env}`;
  const suites = hasMatrix(report)
    ? report.profiles.map((p) => runSuite(profileReport(report, p), `${suiteName} · ${p.name}`))
    : [runSuite(report, suiteName)];
  return renderTestsuites(suites, report.durationMs);
}

function runSuite(report: RunReport, name: string): JunitSuite {
  const cases: JunitCase[] = [
    ...report.events.map((event) => ({
      classname: 'ws-validate.events',
      name: event.type,
      ...eventResult(report, event),
    })),
    ...report.rules.map((rule) => ({
      classname: 'ws-validate.rules',
      name: rule.id,
      ...(rule.status === 'pass'
        ? {}
        : {
            result:
              rule.status === 'skip'
                ? ({ kind: 'skipped', message: rule.message } as const)
                : ({
                    kind: 'failure',
                    message: rule.message,
                    type: 'rule',
                    body: rule.message,
                  } as const),
          }),
    })),
  ];

  // A contract failure that no event or rule shows (a non-JSON frame, say) still needs a failing
  // testcase, or a CI viewer would show a green suite for a red gate.
  if (report.verdict === 'fail' && !cases.some((c) => c.result?.kind === 'failure')) {
    const first = report.diagnoses[0];
    const message =
      first === undefined
        ? `the run failed with exit code ${report.exitCode}`
        : `${first.code}: ${first.message}`;
    const body =
      report.diagnoses.length === 0
        ? message
        : report.diagnoses.map((d) => `${d.code}: ${d.message}`).join('\n\n');
    cases.push({
      classname: 'ws-validate.run',
      name: 'verdict',
      result: { kind: 'failure', message, type: first?.code ?? 'verdict', body },
    });
  }

  const runError = runErrorOf(report);
  if (runError !== undefined) {
    const body = [
      runError.message,
      ...(runError.hint === undefined ? [] : [`hint: ${runError.hint}`]),
    ];
    cases.push({
      classname: 'ws-validate.run',
      name: 'run',
      result: {
        kind: 'error',
        message: runError.message,
        type: runError.code,
        body: body.join('\n'),
      },
    });
  }

  return {
    name,
    durationMs: report.durationMs,
    timestamp: report.startedAt,
    properties: [
      ['env', report.target.env],
      ['url', report.target.url],
      ['trigger', report.trigger.type],
      ['thread_id', report.trigger.thread_id],
      ['run_id', report.trigger.run_id],
      ['exit_code', String(report.exitCode)],
    ],
    cases,
    systemOut: [
      ...report.diagnoses.map((d) => `${d.code}: ${d.message}`),
      ...report.warnings.map((w) => `warning: ${w}`),
    ].join('\n'),
  };
}

function eventResult(report: RunReport, event: EventResult): { result?: CaseResult } {
  if (event.status === 'pass') return {};
  // A run that could not be judged says nothing about its events: one error, not five failures.
  if (isUnjudgedEvent(report, event)) {
    return { result: { kind: 'skipped', message: 'not judged: the run ended in an error' } };
  }
  if (event.status === 'missing') {
    const body = failureBody({
      path: event.type,
      message: 'no frame of this type arrived for this run',
      expected: `at least one ${event.type} frame`,
      actual: 'none',
    });
    return {
      result: { kind: 'failure', message: `${event.type} never arrived`, type: 'missing', body },
    };
  }
  const first = event.errors[0];
  const message =
    first === undefined
      ? `${event.type} failed`
      : event.errors.length === 1
        ? first.message
        : `${first.message} (and ${event.errors.length - 1} more)`;
  const body = event.errors.map(failureBody).join('\n\n');
  return { result: { kind: 'failure', message, type: 'schema', body } };
}

// The failing path, then expected vs actual on their own lines, as CI viewers show the body verbatim.
function failureBody(error: FieldError): string {
  const lines = [`${error.path === '' ? '(frame)' : error.path}: ${error.message}`];
  if (error.expected !== undefined) lines.push(`  expected: ${error.expected}`);
  if (error.actual !== undefined) lines.push(`  actual:   ${error.actual}`);
  return lines.join('\n');
}
