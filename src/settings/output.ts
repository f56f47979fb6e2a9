import type { RunFlags } from './options.js';
import type { ReportTarget } from './parse.js';

/** The output flags, which `run` and `check` share. */
export type OutputFlags = Pick<
  RunFlags,
  'json' | 'quiet' | 'color' | 'verbose' | 'report' | 'stepSummary' | 'annotations'
>;

/** How the report is shown and where else it goes. */
export interface OutputSettings {
  /** `color` is false with --no-color, else null: decided by the terminal and NO_COLOR. */
  output: { json: boolean; quiet: boolean; color: boolean | null; verbose: boolean };
  reports: ReportTarget[];
  stepSummary: boolean;
  annotations: boolean;
}

/** Resolves the output flags; only flags set them. */
export function resolveOutput(flags: OutputFlags): OutputSettings {
  return {
    output: {
      json: flags.json ?? false,
      quiet: flags.quiet ?? false,
      color: flags.color === false ? false : null,
      verbose: flags.verbose ?? false,
    },
    reports: flags.report ?? [],
    stepSummary: flags.stepSummary ?? true,
    annotations: flags.annotations ?? true,
  };
}
