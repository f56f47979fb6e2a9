import { resolve } from 'node:path';
import { v4 as uuidv4 } from 'uuid';
import type { AggregateReport } from '../contract/aggregate.js';
import type { RunReport } from '../contract/run-report.js';
import { REPORTERS } from '../report/reporter.js';
import { renderAggregateJson, renderJson } from '../report/json.js';
import { writeReportFiles } from '../report/emit.js';
import { openTarget, runOnce } from '../run/run-once.js';
import type { RunDeps } from '../run/types.js';
import { runMany } from '../run/run-many.js';
import { loadConfig } from '../settings/config-file.js';
import { resolveRunSettings, type RunSettings } from '../settings/resolve.js';
import { secretsOf } from '../settings/secrets.js';
import { redactStrings } from '../shared/redact.js';
import { createSecretKeeper, type SecretKeeper } from '../shared/secrets.js';
import { throwUnlessVerdict } from './errors.js';
import { toRunFlags, type RunOptions } from './options.js';

/** What `validate` takes besides the run options: everything it may read of its surroundings. */
export interface ValidateContext {
  /**
   * Environment variables to read as the command line reads its own (`WS_VALIDATE_TOKEN`, ...,
   * and those a config file names); none are read without it. Pass `process.env` to read them all.
   */
  envVars?: Readonly<Record<string, string | undefined>>;
  /** Stops the run: it ends as interrupted, and `validate` throws an `InterruptedError`. */
  signal?: AbortSignal;
  /** Receives each warning line (an expired token, `insecure`, a retry); nothing is printed. */
  onWarning?: (message: string) => void;
}

/** The options of `validate`: the run options of the command line, and what it may read. */
export type ValidateOptions = RunOptions & ValidateContext;

/** The JSON report of a live validation: one run's, or with `runs` above 1 the aggregate's. */
export type ValidationReport = RunReport | AggregateReport;

/**
 * Runs one live validation (or `runs` of them) and returns its JSON report when it reached a
 * verdict (exit code 0, 1 or 5); throws `UsageError`, `ConnectionError`, `AuthError` or
 * `InterruptedError` otherwise.
 */
export async function validate(options: ValidateOptions): Promise<ValidationReport> {
  const { envVars = {}, signal, onWarning, ...runOptions } = options;
  const flags = toRunFlags(runOptions);
  const secrets = createSecretKeeper(secretsOf(flags, envVars));
  const config = flags.config === undefined ? null : await loadConfig(flags.config, resolve());
  const settings = resolveRunSettings(flags, envVars, config);
  const deps: RunDeps = {
    clock: () => performance.now(),
    now: () => new Date(),
    newId: () => uuidv4(),
    // A token command runs as the caller's own commands do, with this process's environment.
    ...(signal ? { signal } : {}),
    warn: (line) => onWarning?.(secrets.redact(line)),
    addSecret: secrets.add,
    redact: secrets.redact,
  };
  const target = await openTarget(settings, deps);
  try {
    // Masked before anything renders (and so cuts) the text, as the command line does.
    if (settings.runs > 1) {
      const aggregate = redactStrings(await runMany(target, settings, deps), secrets.redact);
      await writeReports(settings, secrets, (format) =>
        REPORTERS[format].renderAggregate(aggregate),
      );
      return throwUnlessVerdict(
        parseRedacted<AggregateReport>(renderAggregateJson(aggregate), secrets),
      );
    }
    const report = redactStrings((await runOnce(target, settings, deps)).report, secrets.redact);
    await writeReports(settings, secrets, (format) => REPORTERS[format].renderRun(report));
    return throwUnlessVerdict(parseRedacted<RunReport>(renderJson(report), secrets));
  } finally {
    await target.close();
  }
}

// The report as `--json` prints it: fixed key order, and every secret the run learned masked.
function parseRedacted<T>(json: string, secrets: SecretKeeper): T {
  return JSON.parse(secrets.redact(json)) as T;
}

async function writeReports(
  settings: RunSettings,
  secrets: SecretKeeper,
  render: (format: keyof typeof REPORTERS) => string,
): Promise<void> {
  await writeReportFiles(settings.reports, render, {
    redact: (text) => secrets.redact(text),
    label: 'report',
  });
}
