import { resolve } from 'node:path';
import { Chalk } from 'chalk';
import { checkOptionsOf, checkRecording } from '../../run/check.js';
import type { CliIo } from '../io.js';
import { emitRunReport } from '../../report/emit.js';
import type { CheckFlags } from '../../settings/subcommand-options.js';
import { resolveOutput } from '../../settings/output.js';
import { colorLevel, createOutput } from '../io.js';

/** `ws-validate check <file>`: re-judges a recording with the current schemas and rules. */
export async function checkCommand(file: string, flags: CheckFlags, io: CliIo): Promise<number> {
  const out = createOutput(io, []);
  const checkOptions = await checkOptionsOf(flags, io.cwd);
  // `-` is standard input, so that a decompressed or filtered stream needs no file.
  const source =
    file === '-' && io.stdin !== undefined
      ? { name: 'standard input', stream: io.stdin as AsyncIterable<Buffer | string> }
      : resolve(io.cwd, file);
  const report = await checkRecording(source, checkOptions);
  const { output, reports, stepSummary, annotations } = resolveOutput(flags);
  await emitRunReport(report, {
    ...output,
    reports,
    stepSummary,
    annotations,
    env: io.env,
    chalk: new Chalk({ level: colorLevel(io, output.color) }),
    stdout: out.stdout,
    stderr: out.stderr,
    redact: out.redact,
    cwd: io.cwd,
  });
  return report.exitCode;
}
