import {
  aggregateRuns,
  summariseRun,
  type AggregateReport,
  type RunSummary,
} from './report/index.js';
import { redactUrl } from './redact.js';
import { runOnce, type RunDeps, type Target } from './run.js';
import type { RunSettings } from './settings.js';

/** Progress of repeated runs. */
export interface RunProgress {
  done: number;
  failed: number;
  total: number;
}

/** Runs `settings.runs` independent runs, at most `settings.concurrency` at a time, and aggregates them. */
export async function runMany(
  target: Target,
  settings: RunSettings,
  deps: RunDeps,
  onProgress?: (progress: RunProgress) => void,
): Promise<AggregateReport> {
  const total = settings.runs;
  const summaries: RunSummary[] = [];
  const started = deps.clock();
  let next = 0;
  let failed = 0;
  const worker = async (): Promise<void> => {
    while (next < total && !deps.signal?.aborted) {
      const index = next;
      next += 1;
      const { report, latencies } = await runOnce(target, settings, deps, index);
      summaries.push(summariseRun(report, index, latencies));
      if (report.exitCode !== 0) failed += 1;
      onProgress?.({ done: summaries.length, failed, total });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, settings.concurrency) }, worker));
  summaries.sort((a, b) => a.index - b.index);
  return aggregateRuns(summaries, {
    minPassRate: settings.minPassRate,
    durationMs: Math.round(deps.clock() - started),
    target: { env: target.env, url: redactUrl(target.url) },
  });
}
