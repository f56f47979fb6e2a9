import type { ProfileResult, RunReport } from '../contract/run-report.js';
import { RULE_IDS, type EventResult } from '../contract/types.js';

/** One cell of the compatibility matrix: how a profile judged one event or rule. */
export interface MatrixCell {
  /** `absent`: the profile does not require this event. */
  status: 'pass' | 'fail' | 'skip' | 'absent';
  /** The first failing path of a failing event, `missing`, or why it was not judged; else empty. */
  detail: string;
}

/** One row of the matrix: a required event, a rule, or the verdict. */
export interface MatrixRow {
  label: string;
  kind: 'event' | 'rule' | 'verdict';
  cells: MatrixCell[];
}

/** A run judged by several profiles: profile x required event and rules, then each verdict. */
export interface CompatibilityMatrix {
  profiles: string[];
  rows: MatrixRow[];
}

/** True when the report judged the run against more than one profile (then reports lead with the matrix). */
export function hasMatrix(report: RunReport): boolean {
  return profilesOf(report).length > 1;
}

/** The report's profiles: none for a report written before profiles existed. */
export function profilesOf(report: RunReport): RunReport['profiles'] {
  const profiles: RunReport['profiles'] | undefined = report.profiles;
  return profiles ?? [];
}

function eventCell(profile: ProfileResult, event: EventResult | undefined): MatrixCell {
  if (event === undefined) return { status: 'absent', detail: '' };
  if (event.status === 'pass') return { status: 'pass', detail: '' };
  if (event.status === 'missing') {
    // A run that could not be judged says nothing about events it did not see yet.
    return profile.verdict === 'error'
      ? { status: 'skip', detail: 'not judged' }
      : { status: 'fail', detail: 'missing' };
  }
  const path = event.errors[0]?.path;
  return { status: 'fail', detail: path === undefined ? '' : path === '' ? '(frame)' : path };
}

/** Builds the compatibility matrix of a report judged by several profiles. */
export function buildMatrix(report: RunReport): CompatibilityMatrix {
  const { profiles } = report;
  const events: string[] = [];
  for (const profile of profiles) {
    for (const event of profile.events) {
      if (event.optional !== true && !events.includes(event.type)) events.push(event.type);
    }
  }
  const rows: MatrixRow[] = [
    ...events.map((type): MatrixRow => ({
      label: type,
      kind: 'event',
      cells: profiles.map((p) =>
        eventCell(
          p,
          p.events.find((e) => e.type === type && e.optional !== true),
        ),
      ),
    })),
    ...RULE_IDS.map((id): MatrixRow => ({
      label: id,
      kind: 'rule',
      cells: profiles.map((p) => {
        const rule = p.rules.find((r) => r.id === id);
        return { status: rule?.status ?? 'absent', detail: '' };
      }),
    })),
    {
      label: 'verdict',
      kind: 'verdict',
      cells: profiles.map((p) => ({
        status: p.verdict === 'pass' ? 'pass' : p.verdict === 'fail' ? 'fail' : 'skip',
        detail: `${p.verdict.toUpperCase()} (exit ${p.exitCode})`,
      })),
    },
  ];
  return { profiles: profiles.map((p) => p.name), rows };
}

/** `2/4 profiles passed (bridge, flat)`: the summary of a matrix for verdict lines. */
export function describeProfilesPassed(report: RunReport): string {
  const passed = report.profiles.filter((p) => p.verdict === 'pass').map((p) => p.name);
  const names = passed.length === 0 ? '' : ` (${passed.join(', ')})`;
  return `${passed.length}/${report.profiles.length} profiles passed${names}`;
}

/** The run as one of its profiles judged it: the report with that profile's verdict, events, rules and diagnoses. */
export function profileReport(report: RunReport, profile: ProfileResult): RunReport {
  const { error, ...rest } = report;
  return {
    ...rest,
    verdict: profile.verdict,
    exitCode: profile.exitCode,
    events: profile.events,
    rules: profile.rules,
    diagnoses: profile.diagnoses,
    // The run's error (connection, auth) is every profile's that could not judge it.
    ...(error !== undefined && profile.verdict === 'error' ? { error } : {}),
    profiles: [profile],
  };
}
