import type { EventResult, FieldError } from '../contract/types.js';
import type { RunReport } from '../contract/run-report.js';
import type { AggregateReport } from '../contract/aggregate.js';
import { isUnjudgedEvent, runErrorOf } from '../contract/verdict.js';
import { printable } from './describe.js';
import { hasMatrix, profileReport } from './matrix.js';

/** Options of the JUnit renderer. */
export interface JunitOptions {
  /** Name of the test suite; defaults to `ws-validate <env>`. */
  suiteName?: string;
}

/** One testsuite element and its counts. */
interface Suite {
  lines: string[];
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

/**
 * Renders a run report as JUnit XML: one testcase per required event and per rule, plus one for a
 * run error or an otherwise unexplained failure; one testsuite per profile when several judged it.
 */
export function renderJunit(report: RunReport, options: JunitOptions = {}): string {
  const suiteName = options.suiteName ?? `ws-validate ${report.target.env}`;
  const suites = hasMatrix(report)
    ? report.profiles.map((p) => renderSuite(profileReport(report, p), `${suiteName} · ${p.name}`))
    : [renderSuite(report, suiteName)];
  const sum = (key: 'tests' | 'failures' | 'errors' | 'skipped'): number =>
    suites.reduce((total, suite) => total + suite[key], 0);
  const time = seconds(report.durationMs);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ws-validate" tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}" skipped="${sum('skipped')}" time="${time}">`,
    ...suites.flatMap((suite) => suite.lines),
    '</testsuites>',
    '',
  ].join('\n');
}

function renderSuite(report: RunReport, suiteName: string): Suite {
  const cases: string[] = [];
  let failures = 0;
  let skipped = 0;
  let errors = 0;

  for (const event of report.events) {
    const open = `    <testcase classname="ws-validate.events" name="${attr(event.type)}"`;
    if (event.status === 'pass') {
      cases.push(`${open}/>`);
    } else if (isUnjudgedEvent(report, event)) {
      // A run that could not be judged says nothing about its events: one error, not five failures.
      skipped += 1;
      cases.push(
        `${open}>`,
        `      <skipped message="not judged: the run ended in an error"/>`,
        '    </testcase>',
      );
    } else {
      failures += 1;
      cases.push(`${open}>`, ...eventFailure(event), '    </testcase>');
    }
  }

  for (const rule of report.rules) {
    const open = `    <testcase classname="ws-validate.rules" name="${attr(rule.id)}"`;
    if (rule.status === 'pass') {
      cases.push(`${open}/>`);
    } else if (rule.status === 'skip') {
      skipped += 1;
      cases.push(`${open}>`, `      <skipped message="${attr(rule.message)}"/>`, '    </testcase>');
    } else {
      failures += 1;
      cases.push(
        `${open}>`,
        `      <failure message="${attr(rule.message)}" type="rule">${text(rule.message)}</failure>`,
        '    </testcase>',
      );
    }
  }

  // A contract failure that no event or rule shows (a non-JSON frame, say) still needs a failing
  // testcase, or a CI viewer would show a green suite for a red gate.
  const unexplained = report.verdict === 'fail' && failures === 0;
  if (unexplained) {
    failures += 1;
    const first = report.diagnoses[0];
    const message =
      first === undefined
        ? `the run failed with exit code ${report.exitCode}`
        : `${first.code}: ${first.message}`;
    const body =
      report.diagnoses.length === 0
        ? message
        : report.diagnoses.map((d) => `${d.code}: ${d.message}`).join('\n\n');
    cases.push(
      `    <testcase classname="ws-validate.run" name="verdict">`,
      `      <failure message="${attr(message)}" type="${attr(first?.code ?? 'verdict')}">${text(body)}</failure>`,
      '    </testcase>',
    );
  }

  const runError = runErrorOf(report);
  if (runError !== undefined) {
    errors += 1;
    const body = [
      runError.message,
      ...(runError.hint === undefined ? [] : [`hint: ${runError.hint}`]),
    ];
    cases.push(
      `    <testcase classname="ws-validate.run" name="run">`,
      `      <error message="${attr(runError.message)}" type="${attr(runError.code)}">${text(body.join('\n'))}</error>`,
      '    </testcase>',
    );
  }

  const tests = report.events.length + report.rules.length + errors + (unexplained ? 1 : 0);
  const time = seconds(report.durationMs);
  const counts = `tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time}"`;
  const out = [
    ...report.diagnoses.map((d) => `${d.code}: ${d.message}`),
    ...report.warnings.map((w) => `warning: ${w}`),
  ];
  const lines = [
    `  <testsuite name="${attr(suiteName)}" ${counts} timestamp="${attr(report.startedAt)}">`,
    '    <properties>',
    property('env', report.target.env),
    property('url', report.target.url),
    property('trigger', report.trigger.type),
    property('thread_id', report.trigger.thread_id),
    property('run_id', report.trigger.run_id),
    property('exit_code', String(report.exitCode)),
    '    </properties>',
    ...cases,
    ...(out.length === 0 ? [] : [`    <system-out>${text(out.join('\n'))}</system-out>`]),
    '  </testsuite>',
  ];
  return { lines, tests, failures, errors, skipped };
}

function eventFailure(event: EventResult): string[] {
  if (event.status === 'missing') {
    const message = `${event.type} never arrived`;
    const body = failureBody({
      path: event.type,
      message: 'no frame of this type arrived for this run',
      expected: `at least one ${event.type} frame`,
      actual: 'none',
    });
    return [`      <failure message="${attr(message)}" type="missing">${text(body)}</failure>`];
  }
  const first = event.errors[0];
  const message =
    first === undefined
      ? `${event.type} failed`
      : event.errors.length === 1
        ? first.message
        : `${first.message} (and ${event.errors.length - 1} more)`;
  const body = event.errors.map(failureBody).join('\n\n');
  return [`      <failure message="${attr(message)}" type="schema">${text(body)}</failure>`];
}

// The failing path, then expected vs actual on their own lines, as CI viewers show the body verbatim.
function failureBody(error: FieldError): string {
  const lines = [`${error.path === '' ? '(frame)' : error.path}: ${error.message}`];
  if (error.expected !== undefined) lines.push(`  expected: ${error.expected}`);
  if (error.actual !== undefined) lines.push(`  actual:   ${error.actual}`);
  return lines.join('\n');
}

function property(name: string, value: string): string {
  return `      <property name="${attr(name)}" value="${attr(value)}"/>`;
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

// XML 1.0 forbids most control characters, U+FFFE/U+FFFF and lone surrogates even as references.
function clean(value: string): string {
  return printable(value).replace(
    /[\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '',
  );
}

function text(value: string): string {
  return clean(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

// Attribute values lose raw newlines and tabs to whitespace normalisation unless they are character references.
function attr(value: string): string {
  return text(value).replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

/** Renders the aggregate as JUnit XML: one testsuite per run, with one testcase per required event and one for the run. */
export function renderAggregateJunit(agg: AggregateReport): string {
  const suites = agg.runs.map((run) => {
    const required = Object.keys(agg.aggregate.perEvent);
    const cases = required.map((type) => {
      const status = run.events[type] ?? 'missing';
      const open = `    <testcase classname="ws-validate.events" name="${attr(type)}"`;
      if (status === 'pass') return `${open}/>`;
      if (run.verdict === 'error') {
        return `${open}>\n      <skipped message="not judged: the run ended in an error"/>\n    </testcase>`;
      }
      const message = `${type} ${status}`;
      return `${open}>\n      <failure message="${attr(message)}" type="${status}">${attr(message)}</failure>\n    </testcase>`;
    });
    const runCase = `    <testcase classname="ws-validate.run" name="run ${run.index}"`;
    const failed = run.verdict !== 'pass';
    const kind = run.verdict === 'error' ? 'error' : 'failure';
    cases.push(
      failed
        ? `${runCase}>\n      <${kind} message="${attr(`exit ${run.exitCode}`)}" type="exit">${text(run.failures.join('\n'))}</${kind}>\n    </testcase>`
        : `${runCase}/>`,
    );
    const eventFailures = required.filter((t) => run.events[t] !== 'pass').length;
    const failures = run.verdict === 'fail' ? eventFailures + 1 : 0;
    const errors = run.verdict === 'error' ? 1 : 0;
    const skipped = run.verdict === 'error' ? eventFailures : 0;
    const counts = `tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(run.durationMs)}"`;
    return [
      `  <testsuite name="${attr(`ws-validate ${agg.target.env} run ${run.index}`)}" ${counts}>`,
      '    <properties>',
      `      <property name="thread_id" value="${attr(run.trigger.thread_id)}"/>`,
      `      <property name="run_id" value="${attr(run.trigger.run_id)}"/>`,
      ...(run.trigger.user_id === undefined
        ? []
        : [`      <property name="user_id" value="${attr(run.trigger.user_id)}"/>`]),
      `      <property name="exit_code" value="${run.exitCode}"/>`,
      '    </properties>',
      ...cases,
      '  </testsuite>',
    ].join('\n');
  });
  const a = agg.aggregate;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ws-validate" tests="${a.total}" failures="${a.failed}" time="${seconds(a.durationMs)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
