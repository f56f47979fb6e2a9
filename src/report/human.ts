import type { ChalkInstance } from 'chalk';
import { defuseWorkflowCommands } from '../shared/printable.js';
import type { FieldError, RuleResult } from '../contract/types.js';
import type { RunReport } from '../contract/run-report.js';
import { isUnjudgedEvent, runErrorOf } from '../contract/verdict.js';
import { renderMatrix } from './human-matrix.js';
import { describeProfilesPassed, hasMatrix } from './matrix.js';
import {
  countReport,
  describeArrival,
  describeHandshake,
  formatDuration,
  formatOffset,
  joinSections,
  oneLine,
  printable,
} from './describe.js';

/** Options of the human renderer. */
export interface HumanOptions {
  /** Colours; a level-0 instance gives plain text. */
  chalk: ChalkInstance;
  /** Adds the session block: start time, frame totals, close code and connection attempts. */
  verbose?: boolean;
}

const MARK_PASS = '✔';
const MARK_FAIL = '✖';
const MARK_SKIP = '-';

/** Renders a run report as the terminal report: header, events, rules, diagnoses and a verdict line. */
export function renderHuman(report: RunReport, options: HumanOptions): string {
  const { chalk } = options;
  const multi = hasMatrix(report);
  const sections: string[][] = [
    renderHeader(report, chalk),
    ...(multi ? [] : [renderArrival(report, chalk)]),
    ...(multi
      ? [
          renderMatrix(report, chalk),
          [chalk.bold(`profile ${oneLine(report.profiles[0]?.name ?? '')} in detail`)],
        ]
      : []),
    ...(options.verbose === true
      ? [renderSession(report, chalk)]
      : report.attempts.length > 1
        ? [renderAttempts(report, chalk)]
        : []),
    renderEvents(report, chalk),
    renderRules(report.rules, chalk),
    renderDiagnoses(report, chalk),
    renderWarnings(report, chalk),
    renderOtherFrames(report, chalk),
    renderCoverage(report, chalk),
    renderError(report, chalk),
    [renderVerdictLine(report, chalk)],
  ];
  // A line of server text that starts with `::` would be a workflow command in a CI log.
  return defuseWorkflowCommands(joinSections(sections));
}

/** Renders the final verdict line alone, e.g. `PASS  5/5 events · 6/6 rules · 1.2s` (for --quiet). */
export function renderVerdictLine(report: RunReport, chalk: ChalkInstance): string {
  const error = runErrorOf(report);
  if (report.verdict !== 'pass' && error !== undefined) {
    // A failed run that ended before it could be judged (a handshake that never came) says why.
    const label = report.verdict === 'error' ? 'ERROR' : 'FAIL';
    const message = oneLine(error.message);
    return `${chalk.bold.red(label)}  ${message} (${oneLine(error.code)}) · exit ${report.exitCode}`;
  }
  const counts = countReport(report);
  const parts = hasMatrix(report)
    ? [describeProfilesPassed(report), formatDuration(report.durationMs)]
    : [
        `${counts.eventsPassed}/${counts.eventsTotal} events`,
        `${counts.rulesPassed}/${counts.rulesJudged} rules`,
        ...(counts.rulesSkipped > 0 ? [`${counts.rulesSkipped} skipped`] : []),
        formatDuration(report.durationMs),
      ];
  if (report.verdict === 'pass') return `${chalk.bold.green('PASS')}  ${parts.join(' · ')}`;
  return `${chalk.bold.red('FAIL')}  ${[...parts, `exit ${report.exitCode}`].join(' · ')}`;
}

function renderHeader(report: RunReport, chalk: ChalkInstance): string[] {
  const { trigger, target } = report;
  return [
    `${chalk.bold('ws-validate')} · env ${oneLine(target.env)} · ${oneLine(target.url)}`,
    chalk.dim(
      `trigger ${oneLine(trigger.type)} · thread_id ${oneLine(trigger.thread_id)} · run_id ${oneLine(trigger.run_id)}`,
    ),
    ...(report.handshake === undefined ? [] : [`handshake ${describeHandshake(report.handshake)}`]),
  ];
}

// What arrived of a partial run, and in which shape, before the detail: the first thing to know.
function renderArrival(report: RunReport, chalk: ChalkInstance): string[] {
  return describeArrival(report).map(([label, text]) => `${chalk.bold(label.padEnd(7))}  ${text}`);
}

function renderSession(report: RunReport, chalk: ChalkInstance): string[] {
  const close =
    report.close === null
      ? 'none'
      : `${report.close.code}${report.close.reason === '' ? '' : ` ${JSON.stringify(oneLine(report.close.reason))}`}`;
  const lines = [
    chalk.bold('session'),
    `  started   ${oneLine(report.startedAt)}`,
    `  frames    ${report.frames.received} received · ${report.frames.sent} sent`,
    `  close     ${close}`,
  ];
  return [...lines, ...report.attempts.map(renderAttempt)];
}

// Retries are worth seeing without --verbose: a pass after a failed connect is still a warning sign.
function renderAttempts(report: RunReport, chalk: ChalkInstance): string[] {
  return [chalk.bold('attempts'), ...report.attempts.map(renderAttempt)];
}

function renderAttempt(attempt: RunReport['attempts'][number]): string {
  const error =
    attempt.error === undefined
      ? ''
      : `  ${oneLine(attempt.error.code)} ${oneLine(attempt.error.message)}`;
  return `  attempt ${attempt.attempt} ${formatDuration(attempt.durationMs)}${error}`;
}

function renderEvents(report: RunReport, chalk: ChalkInstance): string[] {
  const { events } = report;
  if (events.length === 0) return [];
  const nameWidth = Math.max(...events.map((e) => e.type.length));
  const statusWidth = Math.max(...events.map((e) => e.status.length));
  const countWidth = Math.max(...events.map((e) => `×${e.count}`.length));
  const lines = [chalk.bold('events')];
  for (const event of events) {
    // In a run that could not be judged, an event not seen yet is no contract failure.
    const unjudged = isUnjudgedEvent(report, event);
    const colour = event.status === 'pass' ? chalk.green : unjudged ? chalk.dim : chalk.red;
    const mark = colour(event.status === 'pass' ? MARK_PASS : unjudged ? MARK_SKIP : MARK_FAIL);
    const status = colour(event.status.padEnd(statusWidth));
    const count = `×${event.count}`.padEnd(countWidth);
    lines.push(
      `  ${mark} ${event.type.padEnd(nameWidth)}  ${status}  ${count}  ${formatOffset(event.firstAtMs)}`,
    );
    for (const error of event.errors) lines.push(...renderFieldError(error, chalk));
  }
  return lines;
}

// Laid out as hurl shows an assert failure: the location, then actual and expected beneath it.
function renderFieldError(error: FieldError, chalk: ChalkInstance): string[] {
  if (error.expected === undefined && error.actual === undefined) {
    return [`      ${indentContinuation(error.message, '      ')}`];
  }
  const lines = [`      ${chalk.bold(error.path === '' ? '(frame)' : oneLine(error.path))}`];
  if (error.actual !== undefined) {
    lines.push(`        actual:   ${chalk.red(indentContinuation(error.actual, ' '.repeat(18)))}`);
  }
  if (error.expected !== undefined) {
    lines.push(
      `        expected: ${chalk.green(indentContinuation(error.expected, ' '.repeat(18)))}`,
    );
  }
  // Shape drift: say where the frame keeps what the contract looks for.
  const instead = error.message.indexOf(FRAME_HAS);
  if (instead >= 0) {
    lines.push(`        found:    ${chalk.yellow(oneLine(error.message.slice(instead + 2)))}`);
  }
  return lines;
}

const FRAME_HAS = '; frame has ';

function renderRules(rules: RuleResult[], chalk: ChalkInstance): string[] {
  if (rules.length === 0) return [];
  const idWidth = Math.max(...rules.map((r) => r.id.length));
  const statusWidth = Math.max(...rules.map((r) => r.status.length));
  const indent = ' '.repeat(2 + 2 + idWidth + 2 + statusWidth + 2);
  const lines = [chalk.bold('rules')];
  for (const rule of rules) {
    const message = indentContinuation(rule.message, indent);
    if (rule.status === 'skip') {
      const line = `  ${MARK_SKIP} ${rule.id.padEnd(idWidth)}  ${rule.status.padEnd(statusWidth)}  ${message}`;
      lines.push(chalk.dim(line));
      continue;
    }
    const colour = rule.status === 'pass' ? chalk.green : chalk.red;
    const mark = colour(rule.status === 'pass' ? MARK_PASS : MARK_FAIL);
    lines.push(
      `  ${mark} ${rule.id.padEnd(idWidth)}  ${colour(rule.status.padEnd(statusWidth))}  ${message}`,
    );
  }
  return lines;
}

function renderDiagnoses(report: RunReport, chalk: ChalkInstance): string[] {
  if (report.diagnoses.length === 0) return [];
  const codeWidth = Math.max(...report.diagnoses.map((d) => d.code.length));
  const indent = ' '.repeat(4 + codeWidth + 2);
  return [
    chalk.bold('diagnoses'),
    ...report.diagnoses.map(
      (d) =>
        `  ${chalk.yellow('▲')} ${chalk.bold.yellow(d.code.padEnd(codeWidth))}  ${indentContinuation(d.message, indent)}`,
    ),
  ];
}

function renderWarnings(report: RunReport, chalk: ChalkInstance): string[] {
  if (report.warnings.length === 0) return [];
  return [
    chalk.bold('warnings'),
    ...report.warnings.map((w) => `  ${chalk.yellow('!')} ${indentContinuation(w, '    ')}`),
  ];
}

function renderOtherFrames(report: RunReport, chalk: ChalkInstance): string[] {
  // Run events have their own section; every other frame type is listed here.
  const events = new Set(report.events.map((event) => event.type));
  const others = Object.entries(report.frames.byType)
    .filter(([type]) => !events.has(type))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (others.length === 0) return [];
  const width = Math.max(...others.map(([type]) => oneLine(type).length));
  return [
    chalk.bold('other frames'),
    ...others.map(([type, count]) => `  ${oneLine(type).padEnd(width)}  ×${count}`),
  ];
}

function renderCoverage(report: RunReport, chalk: ChalkInstance): string[] {
  const { unvalidatedTypes, unusedSchemas } = report.coverage;
  // With nothing received, every schema is unexercised: that says nothing about the contract.
  if (report.frames.received === 0) return [];
  if (unvalidatedTypes.length === 0 && unusedSchemas.length === 0) return [];
  const lines = [chalk.bold('coverage')];
  if (unvalidatedTypes.length > 0) {
    lines.push(`  types without a schema   ${unvalidatedTypes.map(oneLine).join(', ')}`);
  }
  if (unusedSchemas.length > 0) {
    lines.push(`  schemas never exercised  ${unusedSchemas.map(oneLine).join(', ')}`);
  }
  return lines;
}

function renderError(report: RunReport, chalk: ChalkInstance): string[] {
  const error = runErrorOf(report);
  if (error === undefined) return [];
  const lines = [
    chalk.bold.red('error'),
    `  ${chalk.bold.red(oneLine(error.code))}  ${indentContinuation(error.message, '    ')}`,
  ];
  if (error.hint !== undefined) {
    lines.push(`  ${chalk.cyan('hint:')} ${indentContinuation(error.hint, '        ')}`);
  }
  return lines;
}

// Keeps a multi-line message under its own column instead of back at the left margin.
function indentContinuation(text: string, indent: string): string {
  return printable(text).replace(/\n/g, `\n${indent}`);
}
