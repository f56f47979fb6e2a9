import { escapeJsonControl } from '../shared/printable.js';
import type { AggregateReport } from '../contract/aggregate.js';
import type { RunReport } from '../contract/run-report.js';

/** Top-level keys of the JSON report, in the order they are written. */
export const JSON_REPORT_KEYS = [
  'schemaVersion',
  'verdict',
  'exitCode',
  'target',
  'trigger',
  'handshake',
  'startedAt',
  'durationMs',
  'events',
  'rules',
  'diagnoses',
  'warnings',
  'frames',
  'close',
  'coverage',
  'attempts',
  'profiles',
  'error',
] as const;

// Key order of nested objects, so that two equal reports always serialise to the same bytes.
const NESTED_KEYS: Record<string, readonly string[]> = {
  target: ['env', 'url'],
  trigger: ['type', 'thread_id', 'run_id', 'user_id'],
  handshake: ['threadId', 'status', 'completed'],
  event: ['type', 'status', 'count', 'firstAtMs', 'errors'],
  fieldError: ['path', 'message', 'expected', 'actual'],
  rule: ['id', 'status', 'message'],
  diagnosis: ['code', 'message'],
  frames: ['received', 'sent', 'byType'],
  close: ['code', 'reason'],
  coverage: ['unvalidatedTypes', 'unusedSchemas'],
  attempt: ['attempt', 'durationMs', 'error'],
  profile: ['name', 'verdict', 'exitCode', 'events', 'rules', 'diagnoses'],
  error: ['code', 'message', 'hint'],
};

/** Renders a run report as pretty JSON (2-space indent) with a fixed key order and a trailing newline. */
export function renderJson(report: RunReport): string {
  return `${escapeJsonControl(JSON.stringify(orderReport(report), null, 2))}\n`;
}

/** Renders the aggregate report as pretty JSON (2-space indent) with a trailing newline. */
export function renderAggregateJson(agg: AggregateReport): string {
  const ordered = {
    schemaVersion: agg.schemaVersion,
    verdict: agg.verdict,
    exitCode: agg.exitCode,
    target: { env: agg.target.env, url: agg.target.url },
    runs: agg.runs.map((r) => ({
      index: r.index,
      verdict: r.verdict,
      exitCode: r.exitCode,
      trigger: r.trigger,
      durationMs: r.durationMs,
      latencies: r.latencies,
      events: r.events,
      failures: r.failures,
      diagnoses: r.diagnoses,
      ...(r.errorCode === undefined ? {} : { errorCode: r.errorCode }),
    })),
    aggregate: agg.aggregate,
  };
  return `${escapeJsonControl(JSON.stringify(ordered, null, 2))}\n`;
}

// Events, rules and diagnoses, at the top and in each profile, with their keys in order.
function orderJudged(judged: Pick<RunReport, 'events' | 'rules' | 'diagnoses'>) {
  return {
    events: judged.events.map((event) => ({
      ...ordered(event, NESTED_KEYS.event),
      errors: event.errors.map((e) => ordered(e, NESTED_KEYS.fieldError)),
    })),
    rules: judged.rules.map((r) => ordered(r, NESTED_KEYS.rule)),
    diagnoses: judged.diagnoses.map((d) => ordered(d, NESTED_KEYS.diagnosis)),
  };
}

function orderReport(report: RunReport): Record<string, unknown> {
  const source = report as unknown as Record<string, unknown>;
  // Reports written before profiles existed have none.
  const profiles = report.profiles as RunReport['profiles'] | undefined;
  const nested: Record<string, unknown> = {
    ...source,
    target: ordered(report.target, NESTED_KEYS.target),
    trigger: ordered(report.trigger, NESTED_KEYS.trigger),
    handshake:
      report.handshake === undefined ? undefined : ordered(report.handshake, NESTED_KEYS.handshake),
    ...orderJudged(report),
    frames: {
      ...ordered(report.frames, NESTED_KEYS.frames),
      byType: ordered(report.frames.byType, []),
    },
    close: report.close === null ? null : ordered(report.close, NESTED_KEYS.close),
    coverage: ordered(report.coverage, NESTED_KEYS.coverage),
    attempts: report.attempts.map((a) => {
      const attempt = ordered(a, NESTED_KEYS.attempt);
      return a.error === undefined
        ? attempt
        : { ...attempt, error: ordered(a.error, NESTED_KEYS.error) };
    }),
    profiles: profiles?.map((p) => ({ ...ordered(p, NESTED_KEYS.profile), ...orderJudged(p) })),
    error: report.error === undefined ? undefined : ordered(report.error, NESTED_KEYS.error),
  };
  return ordered(nested, JSON_REPORT_KEYS);
}

// Known keys first in their fixed order, then any others sorted, so nothing in the report is dropped.
function ordered(value: object, keys: readonly string[] | undefined): Record<string, unknown> {
  const source = value as Record<string, unknown>;
  const known = keys ?? [];
  const rest = Object.keys(source)
    .filter((key) => !known.includes(key))
    .sort();
  const result: Record<string, unknown> = {};
  for (const key of [...known, ...rest]) {
    if (key in source) result[key] = source[key];
  }
  return result;
}
