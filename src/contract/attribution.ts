import { asRecord, readString } from '../shared/fields.js';
import { readFirstString, type RunScopeSpec } from './profile.js';
import type { CarriedIds, TriggerInfo } from './types.js';

/** Whose run an event belongs to: this run, another run, or unknown because it carries no usable id. */
export type Attribution = 'own' | 'foreign' | 'unknown';

/** The thread and run ids an event carries at the profile's paths. */
export interface EventIds {
  threadId: string | null;
  runId: string | null;
}

/** The ids that identify this run so far. */
export interface RunIds {
  threadId: string | null;
  runIds: readonly string[];
}

/** Reads the ids of frames at a profile's paths, and names them in messages. */
export interface IdReader {
  /** False when the profile says where no ids are: then every event is `unknown`. */
  readonly scoped: boolean;
  read(frame: unknown): EventIds;
  /** Reads a frame's ids into `into` (a scratch object the caller reuses) and returns it. */
  readInto(frame: unknown, into: EventIds): EventIds;
  /** The thread and run ids a frame carries, and its `user_id` (top level or in `data`), for cross-talk. */
  carried(frame: unknown): CarriedIds;
  /** Names an id for a message, e.g. thread_id `t-2`. */
  describe(which: 'thread' | 'run', value: string): string;
}

/** Follows one run's ids across its events, adopting the run id the server assigned when allowed. */
export interface RunScope {
  /** Attributes one run event; `opening` says whether it may define a run that has no trigger (a `first` event). */
  attribute(ids: EventIds, opening: boolean): Attribution;
  /** Names the id that makes a foreign event foreign, e.g. run_id `r-9`. */
  describeForeign(ids: EventIds): string;
  /** Makes `threadId` the run's thread from now on: the server's, adopted in its handshake. */
  adoptThread(threadId: string): void;
  /** The ids known so far. */
  readonly ids: RunIds;
}

const NO_IDS: EventIds = Object.freeze({ threadId: null, runId: null });

/** Creates the reader of a profile's id paths (none when `scope` is null). */
export function createIdReader(scope: RunScopeSpec | null): IdReader {
  const threadPaths = (scope?.thread ?? []).map((path) => path.split('.'));
  const runPaths = (scope?.run ?? []).map((path) => path.split('.'));
  const names = { thread: scope?.thread[0] ?? 'thread_id', run: scope?.run[0] ?? 'run_id' };
  const readInto = (frame: unknown, into: EventIds): EventIds => {
    into.threadId =
      scope === null || threadPaths.length === 0 ? null : readFirstString(frame, threadPaths);
    into.runId = scope === null || runPaths.length === 0 ? null : readFirstString(frame, runPaths);
    return into;
  };
  const read = (frame: unknown): EventIds =>
    scope === null ? NO_IDS : readInto(frame, { threadId: null, runId: null });
  return {
    scoped: scope !== null,
    read,
    readInto,
    carried(frame) {
      const { threadId, runId } = read(frame);
      const userId = readString(frame, 'user_id') ?? readString(asRecord(frame)?.data, 'user_id');
      return {
        ...(threadId === null ? {} : { thread_id: threadId }),
        ...(runId === null ? {} : { run_id: runId }),
        ...(userId === null ? {} : { user_id: userId }),
      };
    },
    describe: (which, value) => `${names[which]} \`${value}\``,
  };
}

/** True when an attribution counts for this run (own, or unknown and so given the benefit of the doubt). */
export function belongsToRun(attribution: Attribution): boolean {
  return attribution !== 'foreign';
}

/**
 * Creates the run scope for a trigger; with no trigger the first event that opens a run defines
 * it. A thread id that differs makes an event foreign; so does a run id that is neither the
 * trigger's nor, when the profile adopts one, the run id of the run's first event that carries one.
 */
export function createRunScope(
  trigger: TriggerInfo | null,
  scope: RunScopeSpec | null,
  reader: IdReader,
): RunScope {
  const tracksThread = (scope?.thread.length ?? 0) > 0;
  const tracksRun = (scope?.run.length ?? 0) > 0;
  const adoptRunId = scope?.adoptRunId ?? false;
  let defined = trigger !== null;
  let threadId =
    tracksThread && trigger !== null && trigger.thread_id !== '' ? trigger.thread_id : null;
  const runIds: string[] =
    tracksRun && trigger !== null && trigger.run_id !== '' ? [trigger.run_id] : [];
  // Only the run's first event that carries a run id may bring in one of the server's choosing.
  let runIdSeen = false;

  return {
    attribute(ids, opening) {
      if (scope === null) return 'unknown';
      if (!defined) {
        if (!opening) return 'unknown';
        // The event that defines the run gives it its ids, or none: it is the run's first event.
        defined = true;
        runIdSeen = true;
        threadId = ids.threadId;
        if (ids.runId !== null) runIds.push(ids.runId);
        return 'own';
      }
      if (ids.threadId !== null && threadId !== null && ids.threadId !== threadId) return 'foreign';
      let own = ids.threadId !== null && threadId !== null;
      if (ids.runId !== null) {
        if (runIds.includes(ids.runId)) {
          own = true;
        } else if (adoptRunId && !runIdSeen) {
          runIds.push(ids.runId);
          own = true;
        } else if (runIds.length > 0) {
          return 'foreign';
        }
        runIdSeen = true;
      }
      return own ? 'own' : 'unknown';
    },
    adoptThread(adopted) {
      if (tracksThread) threadId = adopted;
    },
    describeForeign(ids) {
      return ids.threadId !== null && threadId !== null && ids.threadId !== threadId
        ? reader.describe('thread', ids.threadId)
        : reader.describe('run', ids.runId ?? '');
    },
    get ids(): RunIds {
      return { threadId, runIds: [...runIds] };
    },
  };
}

/** Names what makes an event another live run's: its thread_id or run_id, and its user_id, e.g. for cross-talk. */
export function describeCrossTalk(
  type: string,
  seq: number,
  ids: CarriedIds,
  own: TriggerInfo,
): string {
  const parts: string[] = [];
  if (ids.thread_id !== undefined && ids.thread_id !== own.thread_id) {
    parts.push(`thread_id \`${ids.thread_id}\``);
  } else if (ids.run_id !== undefined && ids.run_id !== own.run_id) {
    parts.push(`run_id \`${ids.run_id}\``);
  }
  if (ids.user_id !== undefined && ids.user_id !== own.user_id) {
    const instead = own.user_id === undefined ? '' : ` instead of \`${own.user_id}\``;
    parts.push(`user_id \`${ids.user_id}\`${instead}`);
  }
  return `${type} at frame #${seq} with ${parts.join(' and ')}`;
}
