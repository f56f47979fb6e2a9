import { setMaxListeners } from 'node:events';
import {
  aggregateRuns,
  summariseRun,
  type AggregateReport,
  type RunSummary,
} from '../contract/aggregate.js';
import type { CarriedIds, TriggerInfo } from '../contract/types.js';
import { redactUrl } from '../shared/redact.js';
import { runOnce } from './run-once.js';
import type { PeerRunRegistry, RunDeps, Target } from './types.js';
import type { RunSettings } from '../settings/resolve.js';

/** Progress of repeated runs. */
export interface RunProgress {
  done: number;
  failed: number;
  total: number;
}

/** Creates an empty registry of live runs, indexed by thread_id and run_id, with a count of live runs per user. */
export function createPeerRunRegistry(): PeerRunRegistry {
  const byThread = new Map<string, TriggerInfo>();
  const byRun = new Map<string, TriggerInfo>();
  const users = new Map<string, number>();

  return {
    add(run) {
      byThread.set(run.thread_id, run);
      byRun.set(run.run_id, run);
      if (run.user_id !== undefined) users.set(run.user_id, (users.get(run.user_id) ?? 0) + 1);
    },
    delete(run) {
      byThread.delete(run.thread_id);
      byRun.delete(run.run_id);
      if (run.user_id === undefined) return;
      const live = (users.get(run.user_id) ?? 0) - 1;
      if (live > 0) users.set(run.user_id, live);
      else users.delete(run.user_id);
    },
    isPeer(ids: CarriedIds, own: TriggerInfo) {
      const other = (
        id: string | undefined,
        ownId: string | undefined,
        live: Map<string, unknown>,
      ) => id !== undefined && id !== ownId && live.has(id);
      return (
        other(ids.thread_id, own.thread_id, byThread) ||
        other(ids.run_id, own.run_id, byRun) ||
        other(ids.user_id, own.user_id, users)
      );
    },
  };
}

/**
 * Runs `settings.runs` independent runs, at most `settings.concurrency` at a time, and aggregates
 * them; once `deps.signal` aborts no run starts, the runs under way end as interrupted, and the
 * aggregate of what ran says how many never started (exit 130).
 */
export async function runMany(
  target: Target,
  settings: RunSettings,
  deps: RunDeps,
  onProgress?: (progress: RunProgress) => void,
): Promise<AggregateReport> {
  const total = settings.runs;
  // Every live session listens for Ctrl-C on the one shared signal.
  if (deps.signal) setMaxListeners(settings.concurrency + 10, deps.signal);
  const summaries: RunSummary[] = [];
  const started = deps.clock();
  let next = 0;
  let failed = 0;
  const runDeps: RunDeps = { ...deps, peers: deps.peers ?? createPeerRunRegistry() };
  // The first error that stops a run (a usage error, a bug) stops the others from starting; it is
  // thrown once every run under way has ended, so none outlives the server or the process.
  let failure: { error: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (next < total && failure === null && !deps.signal?.aborted) {
      const index = next;
      next += 1;
      try {
        const { report, latencies } = await runOnce(target, settings, runDeps, index);
        summaries.push(summariseRun(report, index + 1, latencies));
        if (report.exitCode !== 0) failed += 1;
        onProgress?.({ done: summaries.length, failed, total });
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
  summaries.sort((a, b) => a.index - b.index);
  return aggregateRuns(summaries, {
    minPassRate: settings.minPassRate,
    durationMs: Math.round(deps.clock() - started),
    target: { env: target.env, url: redactUrl(target.url) },
    requiredEvents: target.profiles[0]?.spec.required ?? [],
    interrupted: deps.signal?.aborted === true,
    notStarted: total - next,
  });
}
