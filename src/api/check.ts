import { Buffer } from 'node:buffer';
import { resolve } from 'node:path';
import type { RunReport } from '../contract/run-report.js';
import { writeReportFiles } from '../report/emit.js';
import { renderJson } from '../report/json.js';
import { REPORTERS } from '../report/reporter.js';
import { checkOptionsOf, checkRecording } from '../run/check.js';
import { resolveOutput } from '../settings/output.js';
import { CHECK_OPTIONS } from '../settings/subcommand-options.js';
import { libraryKeys, toRunFlags, type RunOptions } from './options.js';

/** The options of `check`: those of `ws-validate check` that the library has. */
export type CheckOptions = Pick<
  RunOptions,
  Extract<(typeof CHECK_OPTIONS)[number], keyof RunOptions>
>;

/** What `check` re-judges: a recording's path, or received frames one per item (objects or JSON text). */
export type CheckInput = string | Iterable<unknown> | AsyncIterable<unknown>;

// Names the frames of an iterable in the report and in errors, where a file would give its path.
const FRAMES_SOURCE = '(frames)';

/**
 * Re-judges a recording written by `record`, a plain NDJSON file of received frames, or frames
 * given one by one, with the current schemas and rules of each profile (`profile`, canonical by
 * default), and returns the JSON report.
 */
export async function check(input: CheckInput, options: CheckOptions = {}): Promise<RunReport> {
  const flags = toRunFlags(options, libraryKeys(CHECK_OPTIONS));
  const checkOptions = await checkOptionsOf(flags, resolve('.'));
  const report = await checkRecording(
    typeof input === 'string' ? resolve(input) : { name: FRAMES_SOURCE, stream: ndjsonOf(input) },
    checkOptions,
  );
  await writeReportFiles(
    resolveOutput(flags).reports,
    (format) => REPORTERS[format].renderRun(report),
    { label: 'report' },
  );
  return JSON.parse(renderJson(report)) as RunReport;
}

// One line per frame: JSON text is made compact so that it stays one line; other text is a
// non-JSON frame as it stands.
async function* ndjsonOf(
  frames: Iterable<unknown> | AsyncIterable<unknown>,
): AsyncIterable<Buffer> {
  for await (const frame of frames) {
    yield Buffer.from(`${typeof frame === 'string' ? compact(frame) : JSON.stringify(frame)}\n`);
  }
}

function compact(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text.replace(/[\r\n]+/g, ' ');
  }
}
