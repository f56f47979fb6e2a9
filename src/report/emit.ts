import { appendFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ChalkInstance } from 'chalk';
import type { AggregateReport } from '../contract/aggregate.js';
import type { RunReport } from '../contract/run-report.js';
import { ensureDir } from '../shared/ensure-dir.js';
import { UsageError } from '../shared/errors.js';
import { redactStrings } from '../shared/redact.js';
import type { ReportTarget } from '../settings/parse.js';
import { renderAggregateAnnotations, renderGithubAnnotations } from './github.js';
import { renderHuman, renderVerdictLine } from './human.js';
import { renderAggregateHuman, renderAggregateVerdictLine } from './human-aggregate.js';
import { REPORTERS, type Reporter } from './reporter.js';

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
  /** Redacts secrets: from the report before any renderer sees it, and from every file written. */
  redact(text: string): string;
  /** Directory that relative report paths resolve from (default: the process's working directory). */
  cwd?: string;
}

// The renderings of one document (a run report or an aggregate), each made only when wanted.
interface Renderings {
  human(): string;
  verdictLine(): string;
  file(reporter: Reporter): string;
  annotations(): string[];
}

/** Prints the report on stdout and writes every requested report file, summary and annotation. */
export async function emitRunReport(unmasked: RunReport, options: EmitOptions): Promise<void> {
  const { chalk, verbose } = options;
  const report = redactStrings(unmasked, (text) => options.redact(text));
  await emit(
    {
      human: () => renderHuman(report, { chalk, verbose }),
      verdictLine: () => renderVerdictLine(report, chalk),
      file: (reporter) => reporter.renderRun(report),
      annotations: () => renderGithubAnnotations(report),
    },
    options,
  );
}

/** Prints the aggregate of repeated runs and writes its report files, step summary and annotations. */
export async function emitAggregateReport(
  unmasked: AggregateReport,
  options: EmitOptions,
): Promise<void> {
  const { chalk } = options;
  const aggregate = redactStrings(unmasked, (text) => options.redact(text));
  await emit(
    {
      human: () => renderAggregateHuman(aggregate, { chalk }),
      verdictLine: () => renderAggregateVerdictLine(aggregate, chalk),
      file: (reporter) => reporter.renderAggregate(aggregate),
      annotations: () => renderAggregateAnnotations(aggregate),
    },
    options,
  );
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

async function emit(document: Renderings, options: EmitOptions): Promise<void> {
  if (options.json) options.stdout(document.file(REPORTERS.json));
  else if (options.quiet) options.stdout(`${document.verdictLine()}\n`);
  else options.stdout(document.human());

  await writeReportFiles(options.reports, (format) => document.file(REPORTERS[format]), {
    redact: (text) => options.redact(text),
    label: '--report',
    cwd: options.cwd,
  });
  await emitToGithub(document, options);
}

/**
 * Writes each report file, rendered by `render` and masked by `redact`, relative to `cwd` when
 * given; `label` names the option in errors (`--report` on the command line, `report` in the library).
 */
export async function writeReportFiles(
  targets: readonly ReportTarget[],
  render: (format: ReportTarget['format']) => string,
  options: { redact?: (text: string) => string; label: string; cwd?: string },
): Promise<void> {
  for (const target of targets) {
    const text = render(target.format);
    await writeOutputFile(
      options.cwd === undefined ? target.path : resolve(options.cwd, target.path),
      options.redact === undefined ? text : options.redact(text),
      `${options.label} ${target.format}`,
    );
  }
}

// The step summary and annotations of GitHub Actions, each switchable.
async function emitToGithub(document: Renderings, options: EmitOptions): Promise<void> {
  const summaryPath = options.env.GITHUB_STEP_SUMMARY;
  if (options.stepSummary && summaryPath) {
    try {
      await appendFile(summaryPath, `${options.redact(document.file(REPORTERS.markdown))}\n`);
    } catch (error) {
      options.stderr(
        `warning: cannot append to GITHUB_STEP_SUMMARY (${(error as Error).message})\n`,
      );
    }
  }
  if (options.annotations && options.env.GITHUB_ACTIONS === 'true') {
    for (const line of document.annotations()) options.stderr(`${line}\n`);
  }
}
