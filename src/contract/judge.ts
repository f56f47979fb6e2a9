import {
  belongsToRun,
  createIdReader,
  createRunScope,
  describeCrossTalk,
  type EventIds,
} from './attribution.js';
import {
  createDiagnosisContext,
  createDiagnosisFacts,
  diagnoseRun,
  noteCrossTalk,
  noteForeignEvent,
  noteFrame,
  noteServerError,
  noteShapeDrift,
  sentTrigger,
} from './diagnose.js';
import { isAuthFailure, readErrorText, readWrappedEvent, roleOf } from './frame-signs.js';
import { describeHandshake, isHandshakeRefused, noteHandshake } from './handshake-facts.js';
import { ExitCode } from '../shared/errors.js';
import { readType, truncateText } from '../shared/fields.js';
import { createEventTally } from './judge-events.js';
import { createTypeReader, NO_ROLE, type ContractProfile, type EventRole } from './profile.js';
import type {
  CarriedIds,
  FieldError,
  FrameCheck,
  FrameChecker,
  Judgement,
  PeerRuns,
  TriggerInfo,
} from './types.js';
import type { FrameRecord, FrameVerdict, SessionOutcome } from './frames.js';
import { createRuleSet, type TimeBudgets } from './rules.js';
import type { RuleEvent } from './rules/tracker.js';
import { decideExit, settleRules } from './verdict.js';

/** Warnings kept in full; the rest are only counted. */
const MAX_WARNINGS = 20;
/** Distinct frame types tallied by name; beyond this they share one bucket, so a hostile stream cannot grow the tally. */
const MAX_DISTINCT_TYPES = 256;
const OTHER_TYPES = '(other types)';
const NOT_AGENT: FrameVerdict = { agentEvent: false, terminal: false };
// What observe returns for a run event, one object per answer.
const EVENT: FrameVerdict = { agentEvent: true, terminal: false };
const TERMINAL_EVENT: FrameVerdict = { agentEvent: true, terminal: true };

/** What the judge needs besides the frames. */
export interface JudgeOptions {
  /** The contract: which frames are run events, and the rules over them. */
  profile: ContractProfile;
  /** The run's ids as sent; null when checking a plain NDJSON file (the first event that opens a run defines it). */
  trigger: TriggerInfo | null;
  /** The exact trigger message sent, for echo detection. */
  triggerFrame?: unknown;
  /** Schema validation per frame. */
  checker: FrameChecker;
  /** Time budgets in milliseconds after the trigger; null when arrival times are unknown. */
  budgets: TimeBudgets | null;
  /** Schema errors kept per run event type (default 5). */
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
  /** The first frame of each run event type of the run, to match the stream against other profiles. */
  samples(): Map<string, unknown>;
}

const MAX_TYPE_LABEL = 100;

/** Creates a judge for one run; it keeps counters and first examples only, never the frames. */
export function createJudge(options: JudgeOptions): Judge {
  const { profile, checker } = options;
  const { spec, roles } = profile;
  const ids = createIdReader(spec.runScope);
  const scope = createRunScope(options.trigger, spec.runScope, ids);
  const rules = createRuleSet(spec, options.budgets);
  const facts = createDiagnosisFacts(spec.name, spec.once);
  const context = createDiagnosisContext(
    options.trigger?.type ?? readType(options.triggerFrame),
    options.triggerFrame,
    roles,
  );
  // The run's own ids, for cross-talk: the trigger's, with the server's thread once adopted.
  let own = options.trigger;
  const readFrameType = createTypeReader(profile.typePath);
  // Refilled for each event: the ids are read into it and used before the next one.
  const scratchIds: EventIds = { threadId: null, runId: null };
  const event: RuleEvent = {
    type: '',
    role: NO_ROLE,
    seq: 0,
    atMs: null,
    attribution: 'unknown',
    foreignId: null,
    frame: undefined,
  };
  const tally = createEventTally(spec.required, options.maxErrorsPerEvent ?? 5);
  // With no `first` events, any run event may open a run that has no trigger.
  const opensRun = (role: EventRole): boolean => spec.first.length === 0 || role.first;
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
    const seen = byType.get(type);
    if (seen !== undefined) byType.set(type, seen + 1);
    else if (byType.size < MAX_DISTINCT_TYPES) byType.set(type, 1);
    else byType.set(OTHER_TYPES, (byType.get(OTHER_TYPES) ?? 0) + 1);
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
  function checkPeer(frame: FrameRecord, type: string, carried: CarriedIds): boolean {
    if (options.peers === undefined || own === null || !options.peers.isPeer(carried, own)) {
      return false;
    }
    noteCrossTalk(facts, describeCrossTalk(type, frame.seq, carried, own));
    return true;
  }

  // A sent frame: the trigger (maybe again, after a handshake) or our answer to the handshake.
  function observeSent(frame: FrameRecord): void {
    const type = frame.kind === 'json' ? readType(frame.data) : null;
    const adopted = noteHandshake(facts.handshake, frame, type, facts.agentEvents);
    if (adopted !== null) {
      scope.adoptThread(adopted);
      if (own !== null) own = { ...own, thread_id: adopted };
      return;
    }
    facts.triggerSent = true;
    // The request last sent is what an echo would carry back.
    if (frame.kind === 'json') context.trigger = sentTrigger(frame.data);
  }

  // Counts a checked frame towards schema coverage.
  function cover(check: FrameCheck, type: string | null, label: string): void {
    if (check.schema !== null) usedSchemas.add(check.schema);
    else if (type !== null && unvalidated.size < MAX_DISTINCT_TYPES) unvalidated.add(label);
  }

  function observeEvent(
    frame: FrameRecord,
    type: string,
    role: EventRole,
    label: string,
  ): FrameVerdict {
    const eventIds = ids.readInto(frame.data, scratchIds);
    const attribution = scope.attribute(eventIds, opensRun(role));
    const foreign = !belongsToRun(attribution);
    const state = tally.entry(type);
    // Once this type's kept errors are full, a failure only adds to the shape-drift count.
    const check = checker.check(frame.data, type, !foreign && !tally.hasRoom(state));
    cover(check, type, label);
    const { errors } = check;
    // One object, refilled: this runs for every event of a recording that may hold millions.
    event.type = type;
    event.role = role;
    event.seq = frame.seq;
    event.atMs = frame.atMs;
    event.attribution = attribution;
    const foreignId = foreign ? scope.describeForeign(eventIds) : null;
    event.foreignId = foreignId;
    event.frame = frame.data;
    rules.observe(event);
    const peer = options.peers !== undefined && checkPeer(frame, type, ids.carried(frame.data));
    if (foreignId !== null) {
      if (!peer) noteForeignEvent(facts, `${type} at frame #${frame.seq} with ${foreignId}`);
      warnSchema(frame, type, errors);
      return NOT_AGENT;
    }
    tally.add(state, frame.atMs, frame.data, errors);
    if (errors.length > 0) {
      eventFailed = true;
      noteShapeDrift(facts, type, errors);
    }
    facts.agentEvents += 1;
    if (role.once) facts.onceCounts.set(type, (facts.onceCounts.get(type) ?? 0) + 1);
    return role.terminal ? TERMINAL_EVENT : EVENT;
  }

  function observeError(
    frame: FrameRecord,
    type: string,
    errors: readonly FieldError[],
  ): FrameVerdict {
    warnSchema(frame, type, errors);
    const eventIds = ids.read(frame.data);
    if (options.peers !== undefined) checkPeer(frame, type, ids.carried(frame.data));
    if (!belongsToRun(scope.attribute(eventIds, false))) {
      warn(
        `frame #${frame.seq} (${type}) belongs to another run (${scope.describeForeign(eventIds)}); ignored`,
      );
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
        observeSent(frame);
        return NOT_AGENT;
      }
      received += 1;
      if (frame.kind !== 'json') {
        noteFrame(facts, frame, context, null, undefined);
        count(frame.kind === 'binary' ? '(binary)' : '(text)');
        return NOT_AGENT;
      }
      const type = readFrameType(frame.data);
      const role = type === null ? undefined : roleOf(roles, type);
      const runEvent = role !== undefined && !role.error;
      noteFrame(facts, frame, context, type, role);
      if (!runEvent) noteHandshake(facts.handshake, frame, type, facts.agentEvents);
      // A type name is a label in every report: a server's megabyte-long one is cut short.
      const label = type === null ? '(untyped)' : truncateText(type, MAX_TYPE_LABEL);
      count(label);
      if (type !== null && role !== undefined && runEvent) {
        return observeEvent(frame, type, role, label);
      }
      const check = checker.check(frame.data, type);
      cover(check, type, label);
      if (type !== null && role !== undefined) return observeError(frame, type, check.errors);
      warnSchema(frame, label, check.errors);
      if (options.peers !== undefined) {
        // Other frames are checked on run ids only: connection frames carry the token's user,
        // which with a shared token need not be this run's user.
        const { thread_id: threadId, run_id: runId } = ids.carried(frame.data);
        checkPeer(frame, label, {
          ...(threadId === undefined ? {} : { thread_id: threadId }),
          ...(runId === undefined ? {} : { run_id: runId }),
        });
      }
      // A wrapped terminal event ends the run, so wrapped streams do not wait out the budget.
      const wrapped = readWrappedEvent(frame.data, roles);
      return {
        agentEvent: false,
        terminal: wrapped !== null && roles.get(wrapped.event)?.terminal === true,
      };
    },

    finish(outcome) {
      const missing = tally.missing();
      const eventResults = tally.results();
      const ruleResults = rules.results({ outcome, missing });
      const invalidFrames = facts.invalid.text + facts.invalid.notUtf8 + facts.invalid.binary;
      facts.handshakeRefused = isHandshakeRefused(
        facts.handshake,
        outcome,
        facts.agentEvents,
        facts.auth !== null,
      );
      const decision = decideExit({
        outcome,
        authFailure: facts.auth,
        handshakeRefused: facts.handshakeRefused,
        agentEvents: facts.agentEvents,
        completed: spec.terminal.some((type) => tally.count(type) > 0),
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
      const judgement: Judgement = {
        exitCode: decision.exitCode,
        events: eventResults,
        rules: settleRules(ruleResults, decision, rules.violations()),
        diagnoses: diagnoseRun(facts),
        warnings:
          warningsDropped > 0
            ? [...warnings, `${warningsDropped} more warning(s) not shown`]
            : [...warnings],
        frames: { received, sent, byType: Object.fromEntries(byType) },
        coverage: {
          unvalidatedTypes: [...unvalidated],
          unusedSchemas: checker.schemaNames.filter((name) => !usedSchemas.has(name)),
        },
      };
      const handshake = describeHandshake(facts.handshake);
      if (handshake !== undefined) judgement.handshake = handshake;
      if (decision.error !== undefined) judgement.error = decision.error;
      return judgement;
    },

    samples: () => tally.samples(),
  };
}
