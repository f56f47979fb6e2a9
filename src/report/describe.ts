import { escapeControl } from '../shared/printable.js';
import { describeFieldError, type EventResult } from '../contract/types.js';
import type { RunReport } from '../contract/run-report.js';

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

/** Formats a rate from 0 to 1 as a percentage with one decimal, e.g. `95.0%`. */
export function formatRate(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
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
