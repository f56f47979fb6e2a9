import { REPORT_FORMATS } from '../report/formats.js';
import { parseCount, parseRate, parseReportTarget } from './parse.js';
import { oneOf, type OptionRow } from './option-row.js';

/** The options of what a run prints and writes, and of repeated runs. */
export const OUTPUT_ROWS = [
  { key: 'json', flags: '--json', help: 'print the JSON report on stdout', group: 'Output' },
  { key: 'quiet', flags: '-q, --quiet', help: 'print only the verdict line', group: 'Output' },
  {
    key: 'color',
    flags: '--no-color',
    help: 'no colours (NO_COLOR is honoured too)',
    group: 'Output',
  },
  {
    key: 'verbose',
    flags: '-v, --verbose',
    help: 'show every frame (redacted) on stderr',
    group: 'Output',
  },
  {
    key: 'report',
    flags: '--report <format=path>',
    help: `also write a report: ${oneOf(REPORT_FORMATS)}`,
    group: 'Output',
    parse: parseReportTarget,
    repeatable: true,
  },
  {
    key: 'record',
    flags: '--record <file>',
    help: 'record the session as NDJSON for `ws-validate check`',
    group: 'Output',
  },
  {
    key: 'stepSummary',
    flags: '--no-step-summary',
    help: 'do not append to $GITHUB_STEP_SUMMARY',
    group: 'Output',
  },
  {
    key: 'annotations',
    flags: '--no-annotations',
    help: 'no ::error annotations under GitHub Actions',
    group: 'Output',
  },
  {
    key: 'runs',
    flags: '--runs <n>',
    help: 'independent runs',
    group: 'Scale',
    parse: (text, source) => parseCount(text, source),
    default: '1',
  },
  {
    key: 'concurrency',
    flags: '--concurrency <n>',
    help: 'runs at a time',
    group: 'Scale',
    parse: (text, source) => parseCount(text, source, 1, 10_000),
    default: '1',
  },
  {
    key: 'users',
    flags: '--users <k>',
    help: 'spread runs over k minted users',
    group: 'Scale',
    parse: (text, source) => parseCount(text, source, 1, 100_000),
    default: '1',
  },
  {
    key: 'minPassRate',
    flags: '--min-pass-rate <rate>',
    help: 'pass-rate gate for --runs, 0..1',
    group: 'Scale',
    parse: parseRate,
    default: '1',
  },
] as const satisfies readonly OptionRow[];
