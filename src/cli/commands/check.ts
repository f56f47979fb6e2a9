import { resolve } from 'node:path';
import { Chalk } from 'chalk';
import { checkRecording } from '../../run/check.js';
import type { CliIo } from '../io.js';
import { emitRunReport } from '../../report/emit.js';
import type { CheckFlags } from '../subcommand-options.js';
import { colorLevel, createOutput } from '../io.js';
import { defaultSchemasDir, loadSchemas } from '../../contract/schemas.js';

/** `ws-validate check <file>`: re-judges a recording with the current schemas and rules. */
export async function checkCommand(file: string, flags: CheckFlags, io: CliIo): Promise<number> {
  const out = createOutput(io, []);
  const checker = await loadSchemas(
    flags.schemas === undefined ? defaultSchemasDir() : resolve(io.cwd, flags.schemas),
  );
  const report = await checkRecording(resolve(io.cwd, file), { checker });
  await emitRunReport(report, {
    json: flags.json ?? false,
    quiet: flags.quiet ?? false,
    verbose: false,
    reports: flags.report ?? [],
    stepSummary: flags.stepSummary ?? true,
    annotations: flags.annotations ?? true,
    env: io.env,
    chalk: new Chalk({ level: colorLevel(io, flags.color === false ? false : null) }),
    stdout: out.stdout,
    stderr: out.stderr,
    redact: out.redact,
    cwd: io.cwd,
  });
  return report.exitCode;
}
