import type { ChalkInstance } from 'chalk';
import type { RunReport } from '../contract/run-report.js';
import { oneLine } from './describe.js';
import { buildMatrix, type MatrixCell } from './matrix.js';

// Wide enough for a path such as `data.execution_time`; longer details are cut.
const MAX_CELL = 24;
const MARKS = { pass: '✔', fail: '✖', skip: '-', absent: '·' } as const;

function cellText(cell: MatrixCell): string {
  const text =
    cell.detail === '' ? MARKS[cell.status] : `${MARKS[cell.status]} ${oneLine(cell.detail)}`;
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}

function colour(cell: MatrixCell, chalk: ChalkInstance): (text: string) => string {
  if (cell.status === 'pass') return chalk.green;
  if (cell.status === 'fail') return chalk.red;
  return chalk.dim;
}

/** Renders the compatibility matrix of a run judged by several profiles: a column per profile. */
export function renderMatrix(report: RunReport, chalk: ChalkInstance): string[] {
  const matrix = buildMatrix(report);
  const labelWidth = Math.max(...matrix.rows.map((row) => row.label.length));
  const texts = matrix.rows.map((row) => row.cells.map(cellText));
  const widths = matrix.profiles.map((name, i) =>
    Math.max(oneLine(name).length, ...texts.map((cells) => cells[i]?.length ?? 0)),
  );
  const header = matrix.profiles.map((name, i) => oneLine(name).padEnd(widths[i] ?? 0)).join('  ');
  const lines = [
    chalk.bold('compatibility'),
    `  ${' '.repeat(labelWidth)}  ${chalk.bold(header.trimEnd())}`,
  ];
  matrix.rows.forEach((row, r) => {
    const cells = row.cells.map((cell, i) => {
      const text = (texts[r]?.[i] ?? '').padEnd(widths[i] ?? 0);
      return colour(cell, chalk)(text);
    });
    lines.push(`  ${row.label.padEnd(labelWidth)}  ${cells.join('  ')}`.trimEnd());
  });
  return lines;
}
