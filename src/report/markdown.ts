import type { RunReport } from '../contract/run-report.js';
import type { AggregateReport, Percentiles } from '../contract/aggregate.js';
import { runErrorOf } from '../contract/verdict.js';
import { buildMatrix, describeProfilesPassed, hasMatrix } from './matrix.js';
import {
  compareToGate,
  countReport,
  describeBatch,
  describeArrival,
  describeEventProblem,
  describeHandshake,
  formatDuration,
  formatOffset,
  printable,
} from './describe.js';

const VERDICT_HEADING = {
  pass: '✅ ws-validate: PASS',
  fail: '❌ ws-validate: FAIL',
  error: '⚠️ ws-validate: ERROR',
} as const;

const STATUS_ICON = { pass: '✅', fail: '❌', missing: '❌', skip: '⏭️' } as const;

const CELL_ICON = { pass: '✅', fail: '❌', skip: '⏭️', absent: '·' } as const;

// The compatibility matrix as a table: a column per profile, the first failing path in a failing cell.
function renderMatrixTable(report: RunReport): string[] {
  const matrix = buildMatrix(report);
  return [
    row(['', ...matrix.profiles.map(inline)]),
    `|---|${matrix.profiles.map(() => '---|').join('')}`,
    ...matrix.rows.map((r) =>
      row([
        r.kind === 'verdict' ? '**verdict**' : code(r.label),
        ...r.cells.map((cell) =>
          cell.detail === ''
            ? CELL_ICON[cell.status]
            : `${CELL_ICON[cell.status]} ${r.kind === 'event' && cell.status === 'fail' && cell.detail !== 'missing' ? pathCode(cell.detail) : inline(cell.detail)}`,
        ),
      ]),
    ),
  ];
}

/** Renders a run report as GitHub-flavoured Markdown for a PR comment or GITHUB_STEP_SUMMARY; with several profiles, a matrix table leads. */
export function renderMarkdown(report: RunReport): string {
  const counts = countReport(report);
  const multi = hasMatrix(report);
  const { trigger } = report;
  const lines = [
    `## ${VERDICT_HEADING[report.verdict]} (${inline(report.target.env)})`,
    '',
    [
      ...(multi
        ? [describeProfilesPassed(report)]
        : [
            `${counts.eventsPassed}/${counts.eventsTotal} events`,
            `${counts.rulesPassed}/${counts.rulesJudged} rules`,
            ...(counts.rulesSkipped > 0 ? [`${counts.rulesSkipped} skipped`] : []),
          ]),
      formatDuration(report.durationMs),
      `exit ${report.exitCode}`,
    ].join(' · '),
    '',
    `target ${inline(report.target.url)} · trigger ${inline(trigger.type)} · thread_id ${inline(trigger.thread_id)} · run_id ${inline(trigger.run_id)}`,
  ];
  if (report.handshake !== undefined) {
    lines.push('', `handshake: ${inline(describeHandshake(report.handshake))}`);
  }
  const arrival = describeArrival(report);
  if (arrival.length > 0 && !multi) {
    lines.push('', ...arrival.map(([label, text]) => `- **${label}**: ${inline(text)}`));
  }

  const runError = runErrorOf(report);
  if (runError !== undefined) {
    lines.push('', `> **Error ${inline(runError.code)}:** ${inline(runError.message)}`);
    if (runError.hint !== undefined) lines.push('>', `> ${inline(runError.hint)}`);
  }

  if (multi) {
    lines.push('', '### Compatibility', '', ...renderMatrixTable(report));
    lines.push('', `### Profile ${inline(report.profiles[0]?.name ?? '')} in detail`);
  }

  if (report.events.length > 0) {
    lines.push('', '| event | status | count | first seen | problem |', '|---|---|---|---|---|');
    for (const event of report.events) {
      const problem = event.status === 'pass' ? '' : describeEventProblem(event);
      lines.push(
        row([
          code(event.type),
          `${STATUS_ICON[event.status]} ${event.status}`,
          String(event.count),
          formatOffset(event.firstAtMs),
          inline(problem),
        ]),
      );
    }
  }

  if (report.rules.length > 0) {
    lines.push('', '| rule | status | message |', '|---|---|---|');
    for (const rule of report.rules) {
      lines.push(
        row([code(rule.id), `${STATUS_ICON[rule.status]} ${rule.status}`, inline(rule.message)]),
      );
    }
  }

  if (report.diagnoses.length > 0) {
    lines.push('', '### Diagnoses', '');
    for (const d of report.diagnoses) lines.push(`- **${code(d.code)}**: ${inline(d.message)}`);
  }

  if (report.warnings.length > 0) {
    lines.push('', '### Warnings', '');
    for (const w of report.warnings) lines.push(`- ${inline(w)}`);
  }

  return `${lines.join('\n')}\n`;
}

/** Renders the aggregate of repeated runs as Markdown: passes over judged runs and the runs not judged, events, top failures, latencies. */
export function renderAggregateMarkdown(agg: AggregateReport): string {
  const a = agg.aggregate;
  const words = describeBatch(a);
  const gate = compareToGate(a.passed, a.judged, a.minPassRate);
  const ms = (value: number | null): string => (value === null ? '—' : formatDuration(value));
  const latency = (name: string, p: Percentiles): string =>
    row([name, ms(p.p50), ms(p.p95), ms(p.max)]);
  const runs =
    a.notStarted === 0 ? `${a.total} runs` : `${a.total} of ${a.total + a.notStarted} runs`;
  const lines = [
    `## ${VERDICT_HEADING[agg.verdict]} (${inline(agg.target.env)}, ${runs})`,
    '',
    [
      a.judged === 0
        ? `no run was judged (required ${gate.gate})`
        : `${words.passed} (${gate.rate}; required ${gate.gate})`,
      ...(words.notJudged === null ? [] : [words.notJudged]),
      ...(words.notStarted === null ? [] : [words.notStarted]),
      `${a.sessionsPerSecond.toFixed(1)} sessions/s`,
      formatDuration(a.durationMs),
      `exit ${agg.exitCode}`,
    ].join(' · '),
    '',
    '| event | passed in |',
    '|---|---|',
    ...Object.entries(a.perEvent).map(([type, passed]) =>
      row([code(type), `${passed}/${a.judged}`]),
    ),
    '',
    '| latency | p50 | p95 | max |',
    '|---|---|---|---|',
    latency('connect', a.latency.connect),
    latency('first agent event', a.latency.firstEvent),
    latency('agent_completed', a.latency.completed),
  ];
  if (a.topFailures.length > 0) {
    lines.push('', '### Most common failures', '');
    for (const f of a.topFailures) lines.push(`- ${f.count}× ${inline(f.message)}`);
  }
  return `${lines.join('\n')}\n`;
}

function row(cells: string[]): string {
  return `|${cells.map((cell) => (cell === '' ? ' ' : ` ${cell} `)).join('|')}|`;
}

// Event names, rule ids and diagnosis codes are fixed identifiers, safe inside a code span.
function code(identifier: string): string {
  return `\`${identifier}\``;
}

// A failing path names the frame's own keys: a backtick or a pipe in one would end the code span
// or the cell, so such a path is shown as escaped text instead.
function pathCode(path: string): string {
  return /[`|\n]/.test(path) ? inline(path) : code(path);
}

// Text from servers must not turn into markup, links, strikethrough or extra table cells in a PR
// comment or step summary.
function inline(value: string): string {
  return (
    printable(value)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/[\\`*[\]|~]/g, (ch) => `\\${ch}`)
      // An underscore inside a word never starts emphasis in GFM, so identifiers stay readable.
      .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\\_')
      // GFM links a bare `scheme://` at its colon and `www.` at its dot; escaped, they stay text.
      .replace(/:(?=\/\/)/g, '\\:')
      .replace(/(www)\./gi, '$1\\.')
      // An address or an @mention is linked only when the `@` and the name after it share one text
      // node; an empty element after every `@` parts them.
      .replace(/@/g, '@<wbr>')
      .replace(/\n/g, '<br>')
  );
}
