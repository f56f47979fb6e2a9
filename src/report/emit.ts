import { appendFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ChalkInstance } from 'chalk';
import type { AggregateReport } from '../contract/aggregate.js';
import { ensureDir } from '../shared/ensure-dir.js';
import { UsageError } from '../shared/errors.js';
import type { RunReport } from '../contract/run-report.js';
import type { ReportTarget } from '../settings/parse.js';
import {
  renderAggregateHuman,
  renderAggregateAnnotations,
  renderAggregateJson,
  renderAggregateJunit,
  renderAggregateMarkdown,
  renderAggregateVerdictLine,
  renderGithubAnnotations,
  renderHuman,
  renderJson,
  renderJunit,
  renderMarkdown,
  renderVerdictLine,
} from './index.js';

/** Where a run's outputs go and which of them are wanted. */
export interface EmitOptions {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  reports: readonly ReportTarget[];
  stepSummary: boolean;
  annotations: boolean;
  env: Readonly<Record<string, string | undefined>>;
  chalk: ChalkInstance;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Redacts secrets from text written to files. */
  redact(text: string): string;
  /** Directory that relative report paths resolve from (default: the process's working directory). */
  cwd?: string;
}

/** Renders one report in a file format. */
export function renderReportFormat(report: RunReport, format: ReportTarget['format']): string {
  switch (format) {
    case 'junit':
      return renderJunit(report);
    case 'json':
      return renderJson(report);
    case 'markdown':
      return renderMarkdown(report);
  }
}

/** Writes a text file, creating its folder, with a usage error naming the path on failure. */
export async function writeOutputFile(path: string, text: string, flag: string): Promise<void> {
  try {
    await ensureDir(dirname(path));
    await writeFile(path, text);
  } catch (error) {
    throw new UsageError('REPORT_UNWRITABLE', `${flag}: cannot write ${path}`, {
      hint: (error as Error).message,
      cause: error,
    });
  }
}

function reportPath(target: ReportTarget, options: EmitOptions): string {
  return options.cwd === undefined ? target.path : resolve(options.cwd, target.path);
}

/** Prints the report on stdout and writes every requested report file, summary and annotation. */
export async function emitRunReport(report: RunReport, options: EmitOptions): Promise<void> {
  if (options.json) options.stdout(renderJson(report));
  else if (options.quiet) options.stdout(`${renderVerdictLine(report, options.chalk)}\n`);
  else options.stdout(renderHuman(report, { chalk: options.chalk, verbose: options.verbose }));

  for (const target of options.reports) {
    const text = options.redact(renderReportFormat(report, target.format));
    await writeOutputFile(reportPath(target, options), text, `--report ${target.format}`);
  }
  await emitToGithub(renderMarkdown(report), () => renderGithubAnnotations(report), options);
}

// The step summary and annotations of GitHub Actions, each switchable.
async function emitToGithub(
  markdown: string,
  annotations: () => string[],
  options: EmitOptions,
): Promise<void> {
  const summaryPath = options.env.GITHUB_STEP_SUMMARY;
  if (options.stepSummary && summaryPath) {
    try {
      await appendFile(summaryPath, `${options.redact(markdown)}\n`);
    } catch (error) {
      options.stderr(
        `warning: cannot append to GITHUB_STEP_SUMMARY (${(error as Error).message})\n`,
      );
    }
  }
  if (options.annotations && options.env.GITHUB_ACTIONS === 'true') {
    for (const line of annotations()) options.stderr(`${line}\n`);
  }
}

/** Prints the aggregate of repeated runs and writes its report files, step summary and annotations. */
export async function emitAggregateReport(
  aggregate: AggregateReport,
  options: EmitOptions,
): Promise<void> {
  const { chalk } = options;
  if (options.json) options.stdout(renderAggregateJson(aggregate));
  else if (options.quiet) options.stdout(`${renderAggregateVerdictLine(aggregate, chalk)}\n`);
  else options.stdout(renderAggregateHuman(aggregate, { chalk }));

  for (const target of options.reports) {
    const text =
      target.format === 'json'
        ? renderAggregateJson(aggregate)
        : target.format === 'junit'
          ? renderAggregateJunit(aggregate)
          : renderAggregateMarkdown(aggregate);
    await writeOutputFile(
      reportPath(target, options),
      options.redact(text),
      `--report ${target.format}`,
    );
  }
  await emitToGithub(
    renderAggregateMarkdown(aggregate),
    () => renderAggregateAnnotations(aggregate),
    options,
  );
}
