import {
  belongsToRun,
  createRunScope,
  describeIds,
  readCarriedIds,
  readEventIds,
} from './attribution.js';
import {
  createDiagnosisFacts,
  diagnoseRun,
  isAuthFailure,
  noteCrossTalk,
  noteForeignEvent,
  noteFrame,
  noteServerError,
  noteShapeDrift,
  readErrorText,
  readWrappedEvent,
  type DiagnosisContext,
} from './diagnose.js';
import { ExitCode } from '../shared/errors.js';
import { readType, truncateText } from '../shared/fields.js';
import {
  REQUIRED_EVENTS,
  isRequiredEvent,
  type CarriedIds,
  type EventResult,
  type FieldError,
  type FrameChecker,
  type Judgement,
  type PeerRuns,
  type RequiredEvent,
  type TriggerInfo,
} from './types.js';
import type { FrameRecord, FrameVerdict, SessionOutcome } from './frames.js';
import { createRuleSet, readToolKeys, skipRules, type TimeBudgets } from './rules.js';
import { decideExit } from './verdict.js';

/** Warnings kept in full; the rest are only counted. */
const MAX_WARNINGS = 20;
/** Distinct frame types tallied by name; beyond this they share one bucket, so a hostile stream cannot grow the tally. */
const MAX_DISTINCT_TYPES = 256;
const OTHER_TYPES = '(other types)';
const NOT_AGENT: FrameVerdict = { agentEvent: false, terminal: false };

/** What the judge needs besides the frames. */
export interface JudgeOptions {
  /** The run's ids as sent; null when checking a plain NDJSON file (the first agent_started defines the run). */
  trigger: TriggerInfo | null;
  /** The exact trigger message sent, for echo detection. */
  triggerFrame?: unknown;
  /** Schema validation per frame. */
  checker: FrameChecker;
  /** Time budgets in milliseconds after the trigger; null when arrival times are unknown. */
  budgets: TimeBudgets | null;
  /** Schema errors kept per required event (default 5). */
  maxErrorsPerEvent?: number;
  /**
   * Other live runs of this process: a frame carrying a peer's thread_id or run_id, or a required or
   * error event carrying a peer's user_id that is not this run's, is diagnosed as `cross_talk` (in place
   * of `foreign_events`, which stays for events of runs this process does not know) and fails the run.
   */
  peers?: PeerRuns;
}

/** An incremental judge: frames go in one at a time, a Judgement comes out at the end. */
export interface Judge {
  /** Takes one frame (received or sent; sent frames are only counted) and says whether it is an agent event or terminal. */
  observe(frame: FrameRecord): FrameVerdict;
  /** Judges the run once the session has ended. */
  finish(outcome: SessionOutcome): Judgement;
}

interface EventState {
  count: number;
  firstAtMs: number | null;
  failed: boolean;
  errors: FieldError[];
}

function describeCrossTalk(
  type: string,
  frame: FrameRecord,
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
  return `${type} at frame #${frame.seq} with ${parts.join(' and ')}`;
}

const MAX_TYPE_LABEL = 100;

/** Creates a judge for one run; it keeps counters and first examples only, never the frames. */
export function createJudge(options: JudgeOptions): Judge {
  const maxErrors = options.maxErrorsPerEvent ?? 5;
  const scope = createRunScope(options.trigger);
  const rules = createRuleSet(options.budgets);
  const facts = createDiagnosisFacts();
  const context: DiagnosisContext = {
    triggerType: options.trigger?.type ?? readType(options.triggerFrame),
    triggerFrame: options.triggerFrame,
  };
  const events = new Map<RequiredEvent, EventState>(
    REQUIRED_EVENTS.map((type) => [type, { count: 0, firstAtMs: null, failed: false, errors: [] }]),
  );
  // A Map, not an object: frame types are remote input and may be `__proto__`.
  const byType = new Map<string, number>();
  const unvalidated = new Set<string>();
  const usedSchemas = new Set<string>();
  const warnings: string[] = [];
  let warningsDropped = 0;
  let received = 0;
  let sent = 0;
  let eventFailed = false;

  function count(type: string): void {
    const key = byType.has(type) || byType.size < MAX_DISTINCT_TYPES ? type : OTHER_TYPES;
    byType.set(key, (byType.get(key) ?? 0) + 1);
  }

  function warn(message: string): void {
    if (warnings.length < MAX_WARNINGS) warnings.push(message);
    else warningsDropped += 1;
  }

  function warnSchema(frame: FrameRecord, type: string, errors: readonly FieldError[]): void {
    if (errors.length === 0) return;
    const more = errors.length > 1 ? ` (+${errors.length - 1} more)` : '';
    warn(`frame #${frame.seq} (${type}): ${errors[0]?.message ?? ''}${more}`);
  }

  // Records cross-talk when the ids belong to a peer run; true when they do.
  function checkPeer(frame: FrameRecord, type: string, ids: CarriedIds): boolean {
    const own = options.trigger;
    if (options.peers === undefined || own === null || !options.peers.isPeer(ids, own)) {
      return false;
    }
    noteCrossTalk(facts, describeCrossTalk(type, frame, ids, own));
    return true;
  }

  function observeEvent(
    frame: FrameRecord,
    type: RequiredEvent,
    errors: readonly FieldError[],
  ): FrameVerdict {
    const ids = readEventIds(frame.data);
    const attribution = scope.attribute(type, ids);
    const tool = readToolKeys(frame.data);
    // Built field by field: this runs for every event of a recording that may hold millions.
    rules.observe({
      type,
      seq: frame.seq,
      atMs: frame.atMs,
      attribution,
      threadId: ids.threadId,
      runId: ids.runId,
      correlationId: tool.correlationId,
      toolName: tool.toolName,
    });
    const peer = options.peers !== undefined && checkPeer(frame, type, readCarriedIds(frame.data));
    if (!belongsToRun(attribution)) {
      if (!peer) noteForeignEvent(facts, `${type} at frame #${frame.seq} with ${describeIds(ids)}`);
      warnSchema(frame, type, errors);
      return NOT_AGENT;
    }
    const state = events.get(type);
    if (state !== undefined) {
      state.count += 1;
      if (state.count === 1) state.firstAtMs = frame.atMs;
      if (errors.length > 0) {
        state.failed = true;
        eventFailed = true;
        const room = maxErrors - state.errors.length;
        if (room > 0) state.errors.push(...errors.slice(0, room));
        noteShapeDrift(facts, type, errors);
      }
    }
    facts.agentEvents += 1;
    if (type === 'agent_started') facts.startedCount += 1;
    if (type === 'agent_completed') facts.completedCount += 1;
    return { agentEvent: true, terminal: type === 'agent_completed' };
  }

  function observeError(
    frame: FrameRecord,
    type: string,
    errors: readonly FieldError[],
  ): FrameVerdict {
    warnSchema(frame, type, errors);
    const ids = readEventIds(frame.data);
    if (options.peers !== undefined) checkPeer(frame, type, readCarriedIds(frame.data));
    if (!belongsToRun(scope.attribute(type, ids))) {
      warn(`frame #${frame.seq} (${type}) belongs to another run (${describeIds(ids)}); ignored`);
      return NOT_AGENT;
    }
    // Credentials rejected once agent events flowed is a server error of the run, not an auth failure.
    if (isAuthFailure(frame.data) && facts.agentEvents === 0) {
      facts.auth ??= `The server rejected the credentials (AUTH_FAILED): ${readErrorText(frame.data)}`;
    } else {
      noteServerError(facts, type, frame.data);
    }
    return { agentEvent: false, terminal: true };
  }

  return {
    observe(frame) {
      if (frame.dir === 'out') {
        sent += 1;
        return NOT_AGENT;
      }
      received += 1;
      noteFrame(facts, frame, context);
      if (frame.kind !== 'json') {
        count(frame.kind === 'binary' ? '(binary)' : '(text)');
        return NOT_AGENT;
      }
      const type = readType(frame.data);
      // A type name is a label in every report: a server's megabyte-long one is cut short.
      const label = type === null ? '(untyped)' : truncateText(type, MAX_TYPE_LABEL);
      count(label);
      const check = options.checker.check(frame.data);
      if (check.schema === null) {
        if (type !== null && unvalidated.size < MAX_DISTINCT_TYPES) unvalidated.add(label);
      } else {
        usedSchemas.add(check.schema);
      }
      if (isRequiredEvent(type)) return observeEvent(frame, type, check.errors);
      if (type === 'agent_error' || type === 'error_message') {
        return observeError(frame, type, check.errors);
      }
      warnSchema(frame, label, check.errors);
      if (options.peers !== undefined) {
        // Other frames are checked on run ids only: connection frames carry the token's user,
        // which with a shared token need not be this run's user.
        const { thread_id: threadId, run_id: runId } = readCarriedIds(frame.data);
        checkPeer(frame, label, {
          ...(threadId === undefined ? {} : { thread_id: threadId }),
          ...(runId === undefined ? {} : { run_id: runId }),
        });
      }
      // A wrapped agent_completed ends the run, so wrapped streams do not wait out the budget.
      return {
        agentEvent: false,
        terminal: readWrappedEvent(frame.data)?.event === 'agent_completed',
      };
    },

    finish(outcome) {
      const missing = REQUIRED_EVENTS.filter((type) => events.get(type)?.count === 0);
      const eventResults: EventResult[] = REQUIRED_EVENTS.map((type) => {
        const state = events.get(type) ?? { count: 0, firstAtMs: null, failed: false, errors: [] };
        return {
          type,
          status: state.count === 0 ? 'missing' : state.failed ? 'fail' : 'pass',
          count: state.count,
          firstAtMs: state.firstAtMs,
          errors: [...state.errors],
        };
      });
      const ruleResults = rules.results({ outcome, missing });
      const invalidFrames = facts.invalid.text + facts.invalid.binary;
      const decision = decideExit({
        outcome,
        authFailure: facts.auth,
        agentEvents: facts.agentEvents,
        completed: facts.completedCount > 0,
        violation:
          eventFailed ||
          rules.violated() ||
          invalidFrames > 0 ||
          facts.serverErrors.count > 0 ||
          facts.crossTalk.count > 0,
        contractHeld:
          eventResults.every((event) => event.status === 'pass') &&
          ruleResults.every((rule) => rule.status !== 'fail'),
      });
      if (decision.exitCode === ExitCode.Auth) {
        facts.auth ??= decision.error?.message ?? 'authentication failed';
      }
      facts.connectionFailed = outcome.failure !== undefined || outcome.reason === 'dropped';
      const notJudged =
        decision.error === undefined
          ? 'not judged: the run never got far enough'
          : `not judged: the run ended before any agent event (${decision.error.code})`;
      const judgement: Judgement = {
        exitCode: decision.exitCode,
        events: eventResults,
        rules: decision.judged ? ruleResults : skipRules(notJudged),
        diagnoses: diagnoseRun(facts),
        warnings:
          warningsDropped > 0
            ? [...warnings, `${warningsDropped} more warning(s) not shown`]
            : [...warnings],
        frames: { received, sent, byType: Object.fromEntries(byType) },
        coverage: {
          unvalidatedTypes: [...unvalidated],
          unusedSchemas: options.checker.schemaNames.filter((name) => !usedSchemas.has(name)),
        },
      };
      if (decision.error !== undefined) judgement.error = decision.error;
      return judgement;
    },
  };
}
