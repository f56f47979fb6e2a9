import { asRecord, readString } from '../shared/fields.js';
import type { CarriedIds, TriggerInfo } from './types.js';

/** Whose run an event belongs to: this run, another run, or unknown because it carries no usable id. */
export type Attribution = 'own' | 'foreign' | 'unknown';

/** The thread and run ids an event carries at its top level. */
export interface EventIds {
  threadId: string | null;
  runId: string | null;
}

/** The ids that identify this run so far. */
export interface RunIds {
  threadId: string | null;
  runIds: readonly string[];
}

/** Follows one run's ids across its events, adopting the server's run_id from its agent_started. */
export interface RunScope {
  /** Attributes one event of the given `type`; an agent_started may set the run's ids. */
  attribute(type: string, ids: EventIds): Attribution;
  /** The ids known so far. */
  readonly ids: RunIds;
}

/** Reads the top-level `thread_id` and `run_id` of a frame, ignoring empty or non-string values. */
export function readEventIds(frame: unknown): EventIds {
  return { threadId: readString(frame, 'thread_id'), runId: readString(frame, 'run_id') };
}

/** Reads the ids a frame carries: top-level `thread_id` and `run_id`, and `user_id` at the top level or in `data`. */
export function readCarriedIds(frame: unknown): CarriedIds {
  const ids: CarriedIds = {};
  const threadId = readString(frame, 'thread_id');
  const runId = readString(frame, 'run_id');
  const userId = readString(frame, 'user_id') ?? readString(asRecord(frame)?.data, 'user_id');
  if (threadId !== null) ids.thread_id = threadId;
  if (runId !== null) ids.run_id = runId;
  if (userId !== null) ids.user_id = userId;
  return ids;
}

/** True when an attribution counts for this run (own, or unknown and so given the benefit of the doubt). */
export function belongsToRun(attribution: Attribution): boolean {
  return attribution !== 'foreign';
}

/** Attributes an event from its ids alone: thread_id decides when both sides have one, else run_id. */
export function attributeEvent(event: EventIds, run: RunIds): Attribution {
  if (event.threadId !== null && run.threadId !== null) {
    return event.threadId === run.threadId ? 'own' : 'foreign';
  }
  if (event.runId !== null && run.runIds.length > 0) {
    return run.runIds.includes(event.runId) ? 'own' : 'foreign';
  }
  return 'unknown';
}

/** Creates the run scope for a trigger; with no trigger the first agent_started defines the run. */
export function createRunScope(trigger: TriggerInfo | null): RunScope {
  let defined = trigger !== null;
  let threadId = trigger !== null && trigger.thread_id !== '' ? trigger.thread_id : null;
  const runIds: string[] = trigger !== null && trigger.run_id !== '' ? [trigger.run_id] : [];
  // Servers may assign their own run_id; only the run's first agent_started may introduce one.
  let adoptedRunId = false;

  function adopt(runId: string | null): void {
    adoptedRunId = true;
    if (runId !== null && !runIds.includes(runId)) runIds.push(runId);
  }

  return {
    attribute(type, event) {
      if (type !== 'agent_started') {
        return defined ? attributeEvent(event, { threadId, runIds }) : 'unknown';
      }
      if (!defined) {
        defined = true;
        threadId = event.threadId;
        adopt(event.runId);
        return 'own';
      }
      const attribution = attributeEvent(event, { threadId, runIds });
      if (adoptedRunId) return attribution;
      if (event.threadId === null && event.runId !== null) {
        adopt(event.runId);
        return 'own';
      }
      if (attribution === 'own') adopt(event.runId);
      return attribution;
    },
    get ids(): RunIds {
      return { threadId, runIds: [...runIds] };
    },
  };
}

/** Names the id that makes an event foreign, e.g. thread_id `t-2` (its run_id when it has no thread_id). */
export function describeIds(ids: EventIds): string {
  return ids.threadId !== null ? `thread_id \`${ids.threadId}\`` : `run_id \`${ids.runId ?? ''}\``;
}
