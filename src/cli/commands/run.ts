import { Chalk } from 'chalk';
import { v4 as uuidv4 } from 'uuid';
import { secretsOf } from '../secrets.js';
import { loadConfig } from '../../settings/config-file.js';
import { emitAggregateReport, emitRunReport, type EmitOptions } from '../../report/emit.js';
import { describeFrame } from '../../report/frame-line.js';
import { WsValidateError } from '../../shared/errors.js';
import type { FrameRecord } from '../../contract/frames.js';
import { colorLevel, createOutput, spinnerAllowed, type CliIo, type Output } from '../io.js';
import { openTarget, runOnce } from '../../run/run-once.js';
import type { RunDeps } from '../../run/types.js';
import { runMany } from '../../run/run-many.js';
import type { RunFlags } from '../../settings/options.js';
import { resolveRunSettings, type RunSettings } from '../../settings/resolve.js';
import { startSpinner } from '../spinner.js';

/** `ws-validate [run]`: validates one environment and returns the exit code. */
export async function runCommand(flags: RunFlags, io: CliIo): Promise<number> {
  const out = createOutput(io, secretsOf(flags, io.env));
  try {
    return await validate(flags, io, out);
  } catch (error) {
    throw redactError(error, out.redact);
  }
}

/** An expected error with every secret learned so far masked in its message and hint. */
function redactError(error: unknown, redact: (text: string) => string): unknown {
  if (!(error instanceof WsValidateError)) return error;
  return new WsValidateError(error.code, error.exitCode, redact(error.message), {
    ...(error.hint === undefined ? {} : { hint: redact(error.hint) }),
    cause: error,
  });
}

async function validate(flags: RunFlags, io: CliIo, out: Output): Promise<number> {
  const config = await loadConfig(flags.config, io.cwd);
  const settings = resolveRunSettings(flags, io.env, config, io.cwd);
  for (const line of [...(config?.warnings ?? []), ...settings.warnings]) {
    out.stderr(`warning: ${line}\n`);
  }
  const chalk = new Chalk({ level: colorLevel(io, settings.output.color) });
  const machineReadable = settings.output.json || settings.output.quiet;
  const spinner = await startSpinner(
    `connecting to ${settings.embedded ? 'the embedded reference server' : settings.env}…`,
    io.stderr as NodeJS.WriteStream,
    spinnerAllowed(io, machineReadable),
  );
  const deps = createDeps(io, out, settings);
  try {
    const target = await openTarget(settings, deps);
    try {
      const emit: EmitOptions = {
        ...settings.output,
        reports: settings.reports,
        stepSummary: settings.stepSummary,
        annotations: settings.annotations,
        env: io.env,
        cwd: io.cwd,
        chalk,
        stdout: out.stdout,
        stderr: out.stderr,
        redact: out.redact,
      };
      if (settings.runs > 1) {
        const aggregate = await runMany(target, settings, deps, (p) =>
          spinner.update(`${p.done}/${p.total} runs, ${p.failed} failed`),
        );
        spinner.stop();
        await emitAggregateReport(aggregate, emit);
        return aggregate.exitCode;
      }
      spinner.update(`waiting for agent events from ${settings.env}…`);
      const { report } = await runOnce(target, settings, deps);
      spinner.stop();
      await emitRunReport(report, emit);
      return report.exitCode;
    } finally {
      await target.close();
    }
  } finally {
    spinner.stop();
  }
}

function createDeps(io: CliIo, out: Output, settings: RunSettings): RunDeps {
  return {
    clock: () => performance.now(),
    now: () => new Date(),
    newId: () => uuidv4(),
    env: io.env,
    ...(io.signal ? { signal: io.signal } : {}),
    warn: (line) => out.stderr(`warning: ${line}\n`),
    addSecret: out.addSecret,
    redact: out.redact,
    ...(settings.output.verbose
      ? {
          onFrame: (frame: FrameRecord, run: number) =>
            out.stderr(describeFrame(frame, run, settings.runs, out.redact)),
        }
      : {}),
  };
}
