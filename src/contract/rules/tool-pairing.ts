import { belongsToRun } from '../attribution.js';
import type { PairSpec } from '../profile.js';
import { KeyPairing, pairKeys, pairLabel } from './pairing.js';
import type { RuleResult } from '../types.js';
import type { RuleTracker } from './tracker.js';

/** One pair of the profile, followed under each of its keys until the end says which key pairs. */
interface PairState {
  spec: PairSpec;
  label: string;
  keys: KeyPairing[];
  events: number;
}

// The first key every open and close carried; else the last key, with the unkeyed ones counted.
function chosenKey(pair: PairState): KeyPairing {
  return pair.keys.find((k) => k.carriedByAll) ?? (pair.keys.at(-1) as KeyPairing);
}

// A reopened key is a violation for ids; names (a later key, after the ids ran out) may repeat.
function reopenedCounts(pair: PairState, key: KeyPairing): boolean {
  return key === pair.keys[0];
}

function problemsOf(pair: PairState): string[] {
  const key = chosenKey(pair);
  const { open, close } = pair.spec;
  const name = key.key.label;
  const problems: string[] = [];
  const { count, oldest } = key.unclosed();
  if (oldest !== null) {
    problems.push(
      `${count} ${open} never closed by a ${close} (first: ${name} \`${oldest.key}\` at frame #${oldest.seq})`,
    );
  }
  if (key.orphans.first !== null) {
    problems.push(
      `${key.orphans.count} ${close} without an open ${open} (first: ${name} \`${key.orphans.first.key}\` at frame #${key.orphans.first.seq})`,
    );
  }
  if (reopenedCounts(pair, key) && key.reopened.first !== null) {
    problems.push(
      `${key.reopened.count} ${open} opened a ${name} that was still open (first: \`${key.reopened.first.key}\` at frame #${key.reopened.first.seq})`,
    );
  }
  if (!key.carriedByAll && key.unkeyed > 0) {
    problems.push(`${key.unkeyed} ${pair.label} event(s) carry no ${name} to pair by`);
  }
  if (key.strays.first !== null) {
    const { key: stray, seq } = key.strays.first;
    const where = stray === '' ? `carrying no ${name}` : `with ${name} \`${stray}\``;
    problems.push(
      `${key.strays.count} event(s) outside an open ${open}…${close} (first: frame #${seq} ${where})`,
    );
  }
  return problems;
}

function passOf(pair: PairState): string {
  const key = chosenKey(pair);
  // A tool's open and close make a call; other pairs (a text message, a step) are brackets.
  const noun = /\btool( call)?$/.test(pair.label) ? 'tool call(s)' : `${pair.label} bracket(s)`;
  const first = pair.keys[0]?.key.label ?? key.key.label;
  const why = key === pair.keys[0] ? '' : ` (not every ${pair.label} event carries a ${first})`;
  return `${key.calls} ${noun} paired by ${key.key.label}${why}`;
}

/**
 * Tracks rule 3: every open of each pair is closed by one later close with the same key, no close
 * comes without its open, an id is not opened twice while open, and inside events carry the key
 * of an open pair. Each pair is keyed by the first key every open and close carries.
 */
export function trackToolPairing(pairs: readonly PairSpec[]): RuleTracker {
  const states: PairState[] = pairs.map((spec) => ({
    spec,
    label: pairLabel(spec),
    keys: pairKeys(spec.by).map((key) => new KeyPairing(key)),
    events: 0,
  }));

  return {
    id: 'tool_pairing',
    observe(event) {
      const { role } = event;
      if (role.opens.length + role.closes.length + role.inside.length === 0) return;
      if (!belongsToRun(event.attribution)) return;
      const feed = (index: number, kind: 'open' | 'close' | 'inside'): void => {
        const pair = states[index];
        if (pair === undefined) return;
        pair.events += 1;
        // Every key is followed side by side: which one pairs depends on events still to come.
        for (const key of pair.keys) {
          const value = key.read(event.frame);
          if (kind === 'inside') {
            key.inside(value, event.seq);
          } else if (value === null) {
            key.carriedByAll = false;
            key.unkeyed += 1;
          } else if (kind === 'open') {
            key.open(value, event.seq);
          } else {
            key.close(value, event.seq);
          }
        }
      };
      for (const index of role.opens) feed(index, 'open');
      for (const index of role.closes) feed(index, 'close');
      for (const index of role.inside) feed(index, 'inside');
    },
    violated() {
      return states.some((pair) => {
        const key = chosenKey(pair);
        return (
          key.orphans.count > 0 ||
          key.strays.count > 0 ||
          (reopenedCounts(pair, key) && key.reopened.count > 0) ||
          (!key.carriedByAll && key.unkeyed > 0)
        );
      });
    },
    result(): RuleResult {
      if (states.length === 0) {
        return { id: 'tool_pairing', status: 'skip', message: 'the profile pairs no events' };
      }
      const active = states.filter((pair) => pair.events > 0);
      if (active.length === 0) {
        const labels = [...new Set(states.map((pair) => pair.label))];
        return {
          id: 'tool_pairing',
          status: 'skip',
          message: `no ${labels.join(' or ')} events to pair`,
        };
      }
      const problems = active.flatMap(problemsOf);
      if (problems.length > 0) {
        return { id: 'tool_pairing', status: 'fail', message: problems.join('; ') };
      }
      return { id: 'tool_pairing', status: 'pass', message: active.map(passOf).join('; ') };
    },
  };
}
