import type { AggregateReport } from '../contract/aggregate.js';
import type { RunReport } from '../contract/run-report.js';
import type { EventStatus } from '../contract/types.js';
import { verdictFor } from '../shared/errors.js';

/** The outputs of the GitHub Action, by name, as text. */
export interface ActionOutputs {
  'exit-code': string;
  verdict: string;
  'pass-rate': string;
  runs: string;
  'failed-events': string;
  'junit-path': string;
  'json-path': string;
}

/** Where the action had the reports written, when they were. */
export interface ActionReportPaths {
  junit: string;
  json: string;
}

/**
 * The action's outputs from the JSON report of a run or of repeated runs; `report` is null when the
 * run ended before any report (a usage error), and then the paths are empty too.
 */
export function actionOutputs(
  exitCode: number,
  report: RunReport | AggregateReport | null,
  paths: ActionReportPaths,
): ActionOutputs {
  if (report === null) {
    return {
      'exit-code': String(exitCode),
      verdict: verdictFor(exitCode),
      'pass-rate': '0',
      runs: '0',
      'failed-events': '',
      'junit-path': '',
      'json-path': '',
    };
  }
  const aggregate = 'aggregate' in report ? report.aggregate : null;
  return {
    'exit-code': String(exitCode),
    verdict: report.verdict,
    'pass-rate': String(aggregate?.passRate ?? (report.verdict === 'pass' ? 1 : 0)),
    runs: String(aggregate?.total ?? 1),
    'failed-events': failedEvents(report).join(','),
    'junit-path': paths.junit,
    'json-path': paths.json,
  };
}

// Events that failed, or went missing, in a run that was judged; a run that could not be judged
// (connection, auth) says nothing about the events.
function failedEvents(report: RunReport | AggregateReport): string[] {
  const runs: { verdict: string; events: Partial<Record<string, EventStatus>> }[] =
    'aggregate' in report
      ? report.runs
      : [
          {
            verdict: report.verdict,
            events: Object.fromEntries(
              report.events.filter((e) => e.optional !== true).map((e) => [e.type, e.status]),
            ),
          },
        ];
  const judged = runs.filter((run) => run.verdict !== 'error');
  // The required events of the (first) profile, in its order, as the runs list them.
  const required = [...new Set(runs.flatMap((run) => Object.keys(run.events)))];
  return required.filter((event) =>
    judged.some((run) => run.events[event] !== undefined && run.events[event] !== 'pass'),
  );
}
