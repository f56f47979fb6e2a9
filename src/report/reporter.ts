import type { AggregateReport } from '../contract/aggregate.js';
import type { RunReport } from '../contract/run-report.js';
import type { ReportFormat } from './formats.js';
import { renderAggregateJson, renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderAggregateJunit } from './junit-batch.js';
import { renderAggregateMarkdown, renderMarkdown } from './markdown.js';

/** Renders the documents of one report file format. */
export interface Reporter {
  /** Renders the report of one run. */
  renderRun(report: RunReport): string;
  /** Renders the aggregate of repeated runs. */
  renderAggregate(aggregate: AggregateReport): string;
}

/** The reporter of each report file format: a format without one, or one that is not a format, does not compile. */
export const REPORTERS: Readonly<Record<ReportFormat, Reporter>> = {
  junit: { renderRun: (report) => renderJunit(report), renderAggregate: renderAggregateJunit },
  json: { renderRun: renderJson, renderAggregate: renderAggregateJson },
  markdown: { renderRun: renderMarkdown, renderAggregate: renderAggregateMarkdown },
};
