import { escapeControl } from '../shared/printable.js';
import { describeFieldError, type EventResult, type HandshakeReport } from '../contract/types.js';
import type { RunReport } from '../contract/run-report.js';
import type { AggregateReport } from '../contract/aggregate.js';
import { profilesOf } from './matrix.js';
import { decimalRatio, meetsGate, type Ratio } from '../contract/pass-rate.js';

/** Counts of judged items in a report, as the verdict lines show them. */
export interface ReportCounts {
  eventsPassed: number;
  eventsTotal: number;
  rulesPassed: number;
  /** Rules that were judged (pass or fail); skipped rules are not counted here. */
  rulesJudged: number;
  rulesSkipped: number;
}

/** Formats milliseconds as `412ms` below one second and `1.2s` (one decimal) from one second up. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (Math.abs(Math.round(ms)) < 1000) return `${Math.round(ms)}ms`;
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Formats a first-seen time in milliseconds after the trigger as `+412ms`, or `—` when unknown. */
export function formatOffset(ms: number | null): string {
  return ms === null ? '—' : `+${formatDuration(ms)}`;
}

/** Server text fit for any report: control characters escaped (see `escapeControl`), lines kept. */
export function printable(text: string): string {
  return escapeControl(text, { keepLines: true });
}

/** Flattens text to one line for headers and lists, control characters escaped. */
export function oneLine(text: string): string {
  return printable(text).replace(/\s*\n\s*/g, ' ');
}

/** Counts passed events and judged rules in a report. */
export function countReport(report: RunReport): ReportCounts {
  return {
    eventsPassed: report.events.filter((e) => e.status === 'pass').length,
    eventsTotal: report.events.length,
    rulesPassed: report.rules.filter((r) => r.status === 'pass').length,
    rulesJudged: report.rules.filter((r) => r.status !== 'skip').length,
    rulesSkipped: report.rules.filter((r) => r.status === 'skip').length,
  };
}

/** One line for a failing or missing event: its field errors joined by `; `, or why it is missing. */
export function describeEventProblem(event: EventResult): string {
  if (event.status === 'missing') return `${event.type} never arrived`;
  if (event.errors.length === 0) return `${event.type} failed`;
  return event.errors.map(describeFieldError).join('; ');
}

/** Joins report sections (each a list of lines) with a blank line between them, leaving out empty ones. */
export function joinSections(sections: readonly (readonly string[])[]): string {
  return `${sections
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.join('\n'))
    .join('\n\n')}\n`;
}

/** A ratio as a percentage with `digits` decimals, rounded half up, e.g. `98.4%`. */
export function formatPercent(ratio: Ratio, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const scaled = (2n * ratio.num * 100n * scale + ratio.den) / (2n * ratio.den);
  const whole = scaled / scale;
  const fraction = (scaled % scale).toString().padStart(digits, '0');
  return digits === 0 ? `${whole}%` : `${whole}.${fraction}%`;
}

// Enough for any pass rate of up to a billion runs against a gate of up to 15 significant digits.
const MAX_DIGITS = 30;

/** A pass rate and its gate as percentages, with as many decimals as the comparison needs. */
export interface GateComparison {
  rate: string;
  gate: string;
  /** The rate reaches the gate, compared exactly. */
  holds: boolean;
}

/**
 * `passed / judged` against the gate, e.g. `95.0%` and `90.0%`: one decimal, or as many as it
 * takes for a rate below the gate to read below it (`98.95%` and `99.00%`, never `99.0% < 99.0%`).
 */
export function compareToGate(passed: number, judged: number, gate: number): GateComparison {
  const rate: Ratio = { num: BigInt(passed), den: BigInt(Math.max(judged, 1)) };
  const threshold = decimalRatio(gate);
  const holds = judged > 0 && meetsGate(passed, judged, gate);
  let digits = 1;
  while (
    !holds &&
    digits < MAX_DIGITS &&
    formatPercent(rate, digits) === formatPercent(threshold, digits)
  ) {
    digits += 1;
  }
  return { rate: formatPercent(rate, digits), gate: formatPercent(threshold, digits), holds };
}

/** The gate comparison in one phrase, e.g. `95.0% ≥ 90.0%`. */
export function describeGate(comparison: GateComparison): string {
  return `${comparison.rate} ${comparison.holds ? '≥' : '<'} ${comparison.gate}`;
}

/** What repeated runs came to, in the words every format uses. */
export interface BatchWords {
  /** `19/20 runs passed`, or `19/20 judged runs passed` when some runs were not judged. */
  passed: string;
  /** `2 not judged (1× AUTH_FAILED, 1× CONNECTION_REFUSED)`, or null. */
  notJudged: string | null;
  /** Why runs were not judged, most frequent first: `1× AUTH_FAILED, 1× CONNECTION_REFUSED`. */
  reasons: string;
  /** `25 never started`, or null. */
  notStarted: string | null;
}

/** Describes the counts of repeated runs: passes over judged runs, the untestable and unstarted beside them. */
export function describeBatch(a: AggregateReport['aggregate']): BatchWords {
  const partial = a.untestable > 0 || a.notStarted > 0;
  const reasons = Object.entries(a.untestableCodes)
    .sort(([x, m], [y, n]) => n - m || (x < y ? -1 : x > y ? 1 : 0))
    .map(([code, count]) => `${count}× ${code}`)
    .join(', ');
  return {
    passed: `${a.passed}/${a.judged} ${partial ? 'judged runs' : 'runs'} passed`,
    notJudged: a.untestable === 0 ? null : `${a.untestable} not judged (${reasons})`,
    reasons,
    notStarted: a.notStarted === 0 ? null : `${a.notStarted} never started`,
  };
}

/** Repeated runs in one line, e.g. `19/20 judged runs passed (95.0% ≥ 90.0%); 1 not judged (1× AUTH_FAILED)`. */
export function summariseBatch(a: AggregateReport['aggregate']): string {
  const words = describeBatch(a);
  const gate = describeGate(compareToGate(a.passed, a.judged, a.minPassRate));
  return [
    a.judged === 0 ? 'no run was judged' : `${words.passed} (${gate})`,
    ...(words.notJudged === null ? [] : [words.notJudged]),
    ...(words.notStarted === null ? [] : [words.notStarted]),
  ].join('; ');
}

/** One line on the server's handshake: whether the run took the server's thread_id. */
export function describeHandshake(handshake: HandshakeReport): string {
  const thread = `thread_id ${oneLine(handshake.threadId)}`;
  if (handshake.status === 'unanswered') {
    return `the server sent handshake_response (${thread}); not answered (--handshake off)`;
  }
  const confirmed = handshake.completed ? 'handshake_complete received' : 'no handshake_complete';
  return `answered; the run took the server's ${thread} (${confirmed})`;
}

/**
 * The first lines of a failed run that received some but not all of its required events, or
 * events of another profile's shape: what arrived, what never did, and which shape they have, each
 * as a label and its text; none for other runs.
 */
export function describeArrival(report: RunReport): [label: string, text: string][] {
  if (report.verdict !== 'fail') return [];
  const required = report.events.filter((event) => event.optional !== true);
  const arrived = required.filter((event) => event.count > 0).map((event) => event.type);
  const missing = required.filter((event) => event.status === 'missing').map((event) => event.type);
  const lines: [string, string][] = [];
  if (arrived.length > 0 && missing.length > 0) {
    lines.push([
      'arrived',
      `${arrived.length} of ${required.length} required events: ${list(arrived)}`,
    ]);
    lines.push(['missing', list(missing)]);
  }
  const shapes = report.diagnoses.find((d) => d.code === 'shape_drift')?.shapes ?? [];
  const judged = profilesOf(report)[0]?.name ?? '';
  const [first, ...others] = shapes;
  if (first !== undefined && others.length === 0) {
    lines.push(['shape', `${first.profile}, not ${judged} (--profile ${first.profile})`]);
  } else if (first !== undefined) {
    lines.push([
      'shape',
      `mixed: ${shapes.map((s) => `${s.profile} (${list(s.events)})`).join(' · ')}`,
    ]);
  }
  return lines.map(([label, text]) => [label, oneLine(text)]);
}

function list(items: readonly string[]): string {
  return items.join(', ');
}
