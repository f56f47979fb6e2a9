import { belongsToRun, describeIds, type Attribution } from './attribution.js';
import { asRecord, readString } from '../shared/fields.js';
import {
  REQUIRED_EVENTS,
  RULE_IDS,
  type RequiredEvent,
  type RuleId,
  type RuleResult,
} from './types.js';
import { type SessionOutcome } from './frames.js';

/** One required-type event as the rule trackers see it. */
export interface RuleEvent {
  type: RequiredEvent;
  /** Position of the frame in the session. */
  seq: number;
  /** Milliseconds after the trigger; null when unknown. */
  atMs: number | null;
  attribution: Attribution;
  threadId: string | null;
  runId: string | null;
  correlationId: string | null;
  toolName: string | null;
}

/** What the trackers need to know about the end of the session to give their results. */
export interface RuleContext {
  outcome: SessionOutcome;
  /** Required events that never arrived for this run, in canonical order. */
  missing: readonly RequiredEvent[];
}

/** One sequence rule, checked frame by frame with constant state per frame. */
export interface RuleTracker {
  readonly id: RuleId;
  /** Takes the next required-type event (of this run or foreign). */
  observe(event: RuleEvent): void;
  /** True once a violation has been seen that no later frame can undo. */
  violated(): boolean;
  /** The rule's verdict over everything observed. */
  result(context: RuleContext): RuleResult;
}

/** Time budgets in milliseconds after the trigger. */
export interface TimeBudgets {
  firstEventMs: number;
  totalMs: number;
}

/** All six rule trackers fed together. */
export interface RuleSet {
  /** Feeds one event to every tracker. */
  observe(event: RuleEvent): void;
  /** True once any tracker has seen a violation that no later frame can undo. */
  violated(): boolean;
  /** Every rule's result, in RULE_IDS order. */
  results(context: RuleContext): RuleResult[];
}

/** Reads a tool event's pairing keys: top-level `correlation_id`, and `data.tool_name` or top-level `tool_name`. */
export function readToolKeys(frame: unknown): {
  correlationId: string | null;
  toolName: string | null;
} {
  return {
    correlationId: readString(frame, 'correlation_id'),
    toolName: readString(asRecord(frame)?.data, 'tool_name') ?? readString(frame, 'tool_name'),
  };
}

function describeFrames(seqs: readonly number[], total: number): string {
  const shown = seqs.map((seq) => `#${seq}`).join(', ');
  return total > seqs.length ? `${shown}, …` : shown;
}

/** Tracks rule 1: each of the five required events arrives at least once for this run. */
export function trackPresence(): RuleTracker {
  const counts = new Map<RequiredEvent, number>();
  return {
    id: 'presence',
    observe(event) {
      if (belongsToRun(event.attribution))
        counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
    },
    violated: () => false,
    result() {
      const missing = REQUIRED_EVENTS.filter((type) => (counts.get(type) ?? 0) === 0);
      return missing.length === 0
        ? { id: 'presence', status: 'pass', message: 'all five required events arrived' }
        : {
            id: 'presence',
            status: 'fail',
            message: `never arrived for this run: ${missing.join(', ')}`,
          };
    },
  };
}

/** Tracks rule 2a: agent_started opens the run once and first; agent_completed is the last agent event. */
export function trackOrder(): RuleTracker {
  let first: RuleEvent | null = null;
  let startedSeq: number | null = null;
  let completedSeq: number | null = null;
  let violation: string | null = null;
  return {
    id: 'order',
    observe(event) {
      if (!belongsToRun(event.attribution)) return;
      if (first === null) {
        first = event;
        if (event.type !== 'agent_started') {
          violation = `the first agent event was ${event.type} (frame #${event.seq}), not agent_started`;
        }
      } else if (event.type === 'agent_started' && startedSeq !== null) {
        violation ??= `agent_started arrived again at frame #${event.seq} (first at #${startedSeq})`;
      }
      if (event.type === 'agent_started') startedSeq ??= event.seq;
      if (event.type === 'agent_completed') {
        completedSeq ??= event.seq;
      } else if (completedSeq !== null) {
        violation ??= `${event.type} (frame #${event.seq}) arrived after agent_completed (frame #${completedSeq}); agent_completed must be the last agent event`;
      }
    },
    violated: () => violation !== null,
    result() {
      if (first === null)
        return { id: 'order', status: 'skip', message: 'no agent events to order' };
      if (violation !== null) return { id: 'order', status: 'fail', message: violation };
      return {
        id: 'order',
        status: 'pass',
        message:
          completedSeq === null
            ? 'agent_started came first; agent_completed never arrived'
            : 'agent_started came first and agent_completed last',
      };
    },
  };
}

/** Tracks rule 2b: agent_completed arrives exactly once for this run. */
export function trackSingleTerminal(): RuleTracker {
  let count = 0;
  const seqs: number[] = [];
  return {
    id: 'single_terminal',
    observe(event) {
      if (event.type !== 'agent_completed' || !belongsToRun(event.attribution)) return;
      count += 1;
      if (seqs.length < 3) seqs.push(event.seq);
    },
    violated: () => count > 1,
    result() {
      if (count === 1) {
        return { id: 'single_terminal', status: 'pass', message: 'agent_completed arrived once' };
      }
      return {
        id: 'single_terminal',
        status: 'fail',
        message:
          count === 0
            ? 'agent_completed never arrived'
            : `agent_completed arrived ${count} times (frames ${describeFrames(seqs, count)})`,
      };
    },
  };
}

interface Pairing {
  open(key: string, seq: number): void;
  close(key: string, seq: number): void;
  calls: number;
  orphans: number;
  firstOrphan: { key: string; seq: number } | null;
  /** Open calls as key -> frame numbers, oldest first. */
  readonly pending: Map<string, number[]>;
}

function createPairing(): Pairing {
  const pending = new Map<string, number[]>();
  const pairing: Pairing = {
    calls: 0,
    orphans: 0,
    firstOrphan: null,
    pending,
    open(key, seq) {
      pairing.calls += 1;
      const seqs = pending.get(key);
      if (seqs === undefined) pending.set(key, [seq]);
      else seqs.push(seq);
    },
    close(key, seq) {
      const seqs = pending.get(key);
      if (seqs === undefined) {
        pairing.orphans += 1;
        pairing.firstOrphan ??= { key, seq };
        return;
      }
      seqs.shift();
      if (seqs.length === 0) pending.delete(key);
    },
  };
  return pairing;
}

function describePairingProblems(pairing: Pairing, keyName: string, unkeyed: number): string[] {
  const problems: string[] = [];
  let oldest: { key: string; seq: number } | null = null;
  let unclosed = 0;
  for (const [key, seqs] of pairing.pending) {
    unclosed += seqs.length;
    const seq = seqs[0];
    if (seq !== undefined && (oldest === null || seq < oldest.seq)) oldest = { key, seq };
  }
  if (oldest !== null) {
    problems.push(
      `${unclosed} tool_executing never closed by a tool_completed (first: ${keyName} \`${oldest.key}\` at frame #${oldest.seq})`,
    );
  }
  if (pairing.firstOrphan !== null) {
    problems.push(
      `${pairing.orphans} tool_completed without an open tool_executing (first: ${keyName} \`${pairing.firstOrphan.key}\` at frame #${pairing.firstOrphan.seq})`,
    );
  }
  if (unkeyed > 0) problems.push(`${unkeyed} tool event(s) carry no tool_name to pair by`);
  return problems;
}

/** Tracks rule 3: every tool_executing closed by exactly one later tool_completed, by correlation_id when every tool event has one, else by tool_name. */
export function trackToolPairing(): RuleTracker {
  const byId = createPairing();
  const byName = createPairing();
  let toolEvents = 0;
  let everyEventHasId = true;
  let unkeyed = 0;

  function feed(pairing: Pairing, type: RequiredEvent, key: string, seq: number): void {
    if (type === 'tool_executing') pairing.open(key, seq);
    else pairing.close(key, seq);
  }

  return {
    id: 'tool_pairing',
    observe(event) {
      if (event.type !== 'tool_executing' && event.type !== 'tool_completed') return;
      if (!belongsToRun(event.attribution)) return;
      toolEvents += 1;
      // Both pairings run side by side because the choice depends on events still to come.
      if (event.correlationId === null) everyEventHasId = false;
      else if (everyEventHasId) feed(byId, event.type, event.correlationId, event.seq);
      if (event.toolName !== null) feed(byName, event.type, event.toolName, event.seq);
      else unkeyed += 1;
    },
    violated() {
      return everyEventHasId ? byId.orphans > 0 : byName.orphans > 0 || unkeyed > 0;
    },
    result() {
      if (toolEvents === 0) {
        return { id: 'tool_pairing', status: 'skip', message: 'no tool events to pair' };
      }
      const problems = everyEventHasId
        ? describePairingProblems(byId, 'correlation_id', 0)
        : describePairingProblems(byName, 'tool_name', unkeyed);
      if (problems.length > 0) {
        return { id: 'tool_pairing', status: 'fail', message: problems.join('; ') };
      }
      const calls = everyEventHasId ? byId.calls : byName.calls;
      return {
        id: 'tool_pairing',
        status: 'pass',
        message: everyEventHasId
          ? `${calls} tool call(s) paired by correlation_id`
          : `${calls} tool call(s) paired by tool_name (not every tool event carries a correlation_id)`,
      };
    },
  };
}

/** Tracks rule 4: no event of another run arrives on this connection. */
export function trackRunScope(): RuleTracker {
  let count = 0;
  let first: RuleEvent | null = null;
  return {
    id: 'run_scope',
    observe(event) {
      if (event.attribution !== 'foreign') return;
      count += 1;
      first ??= event;
    },
    violated: () => count > 0,
    result() {
      if (first === null) {
        return { id: 'run_scope', status: 'pass', message: 'no events of other runs' };
      }
      const id = describeIds(first);
      return {
        id: 'run_scope',
        status: 'fail',
        message: `${count} event(s) of another run (first: ${first.type} at frame #${first.seq} with ${id})`,
      };
    },
  };
}

/** Tracks rule 5: first agent event within `firstEventMs` of the trigger, agent_completed within `totalMs`; skips without budgets. */
export function trackTimeBudget(budgets: TimeBudgets | null): RuleTracker {
  let started = false;
  let firstAtMs: number | null = null;
  let completed = false;
  let completedAtMs: number | null = null;
  return {
    id: 'time_budget',
    observe(event) {
      if (!belongsToRun(event.attribution)) return;
      if (!started) {
        started = true;
        firstAtMs = event.atMs;
      }
      if (event.type === 'agent_completed' && !completed) {
        completed = true;
        completedAtMs = event.atMs;
      }
    },
    violated: () => false,
    result({ outcome, missing }) {
      const skip = (message: string): RuleResult => ({
        id: 'time_budget',
        status: 'skip',
        message,
      });
      const fail = (message: string): RuleResult => ({
        id: 'time_budget',
        status: 'fail',
        message,
      });
      if (budgets === null) return skip('time budgets are not judged without arrival times');
      if (!started) {
        return outcome.reason === 'first_event_timeout' || outcome.reason === 'timeout'
          ? fail(`no agent event arrived within ${budgets.firstEventMs} ms of the trigger`)
          : skip('no agent event arrived to time');
      }
      if (firstAtMs === null) return skip('arrival times are unknown');
      if (firstAtMs > budgets.firstEventMs) {
        return fail(
          `the first agent event arrived after ${firstAtMs} ms; the budget is ${budgets.firstEventMs} ms`,
        );
      }
      if (!completed) {
        return outcome.reason === 'timeout'
          ? fail(
              `agent_completed did not arrive within ${budgets.totalMs} ms; still missing: ${missing.join(', ')}`,
            )
          : skip(`agent_completed never arrived (session ended: ${outcome.reason})`);
      }
      if (completedAtMs === null) return skip('arrival time of agent_completed is unknown');
      if (completedAtMs > budgets.totalMs) {
        return fail(
          `agent_completed arrived after ${completedAtMs} ms; the budget is ${budgets.totalMs} ms`,
        );
      }
      return {
        id: 'time_budget',
        status: 'pass',
        message: `first agent event after ${firstAtMs} ms (budget ${budgets.firstEventMs} ms), agent_completed after ${completedAtMs} ms (budget ${budgets.totalMs} ms)`,
      };
    },
  };
}

/** Creates the six rule trackers, in RULE_IDS order. */
export function createRuleSet(budgets: TimeBudgets | null): RuleSet {
  const trackers = [
    trackPresence(),
    trackOrder(),
    trackSingleTerminal(),
    trackToolPairing(),
    trackRunScope(),
    trackTimeBudget(budgets),
  ];
  return {
    observe(event) {
      for (const tracker of trackers) tracker.observe(event);
    },
    violated: () => trackers.some((tracker) => tracker.violated()),
    results: (context) => trackers.map((tracker) => tracker.result(context)),
  };
}

/** Every rule marked skip with the same reason, for runs that never got far enough to judge. */
export function skipRules(message: string): RuleResult[] {
  return RULE_IDS.map((id) => ({ id, status: 'skip', message }));
}
