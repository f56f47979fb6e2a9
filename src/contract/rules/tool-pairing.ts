import { asRecord, readString } from '../../shared/fields.js';
import { belongsToRun } from '../attribution.js';
import type { RequiredEvent } from '../types.js';
import type { RuleTracker } from './tracker.js';

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
