import type { RunReport } from '../contract/run-report.js';
import type { AggregateReport } from '../contract/aggregate.js';
import { describeFieldError } from '../contract/types.js';
import { isUnjudgedEvent, runErrorOf } from '../contract/verdict.js';
import { ExitCode } from '../shared/errors.js';
import { escapeControl } from '../shared/printable.js';
import { describeEventProblem, summariseBatch } from './describe.js';
import { hasMatrix } from './matrix.js';

/** Renders GitHub Actions workflow commands: `::error` per failing event, rule, diagnosis and run error, `::warning` per warning. */
export function renderGithubAnnotations(report: RunReport): string[] {
  const lines: string[] = [];
  const runError = runErrorOf(report);
  if (runError !== undefined) {
    const message =
      runError.hint === undefined ? runError.message : `${runError.message}\n${runError.hint}`;
    lines.push(annotation('error', `ws-validate: ${runError.code}`, message));
  }
  for (const event of report.events) {
    if (event.status === 'pass' || isUnjudgedEvent(report, event)) continue;
    const message =
      event.status === 'fail' && event.errors.length > 0
        ? event.errors.map(describeFieldError).join('\n')
        : describeEventProblem(event);
    lines.push(annotation('error', `ws-validate: ${event.type} ${event.status}`, message));
  }
  for (const rule of report.rules) {
    if (rule.status !== 'fail') continue;
    lines.push(annotation('error', `ws-validate: rule ${rule.id}`, rule.message));
  }
  for (const d of report.diagnoses) {
    lines.push(annotation('error', `ws-validate: ${d.code}`, d.message));
  }
  for (const w of report.warnings) lines.push(annotation('warning', undefined, w));
  // The first profile's problems are above; each other profile that failed gets one line.
  if (hasMatrix(report)) {
    for (const profile of report.profiles.slice(1)) {
      if (profile.verdict === 'pass') continue;
      const problems = [
        ...profile.events.filter((e) => e.status !== 'pass').map(describeEventProblem),
        ...profile.rules
          .filter((r) => r.status === 'fail')
          .map((r) => `rule ${r.id}: ${r.message}`),
      ];
      const title = `ws-validate: profile ${profile.name} ${profile.verdict}`;
      lines.push(annotation('error', title, problems.join('\n') || `exit ${profile.exitCode}`));
    }
  }
  return lines;
}

/** Renders the annotations of repeated runs: one `::error` when the batch did not pass (a failed gate, no run judged, an interrupt), naming the most common failures. */
export function renderAggregateAnnotations(agg: AggregateReport): string[] {
  if (agg.exitCode === 0) return [];
  const failures = agg.aggregate.topFailures.map((f) => `${f.count}× ${f.message}`);
  const title =
    agg.exitCode === ExitCode.Interrupted
      ? 'ws-validate: interrupted'
      : agg.verdict === 'error'
        ? 'ws-validate: no run judged'
        : 'ws-validate: pass rate';
  const message = [summariseBatch(agg.aggregate), ...failures].join('\n');
  return [annotation('error', title, message)];
}

/** Escapes an annotation message as GitHub's runner expects (`%`, CR, LF), other controls as `\u001b`. */
export function escapeGithubData(value: string): string {
  // Line breaks have their own escapes in the runner's syntax; every other control shows escaped.
  return escapeControl(value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
}

/** Escapes an annotation property value (e.g. `title`): the message escapes plus `:` and `,`. */
export function escapeGithubProperty(value: string): string {
  return escapeGithubData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function annotation(
  level: 'error' | 'warning',
  title: string | undefined,
  message: string,
): string {
  const properties = title === undefined ? '' : ` title=${escapeGithubProperty(title)}`;
  return `::${level}${properties}::${escapeGithubData(message)}`;
}
