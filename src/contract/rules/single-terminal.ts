import { belongsToRun } from '../attribution.js';
import type { ProfileSpec } from '../profile.js';
import { describeFrames, either, type RuleTracker } from './tracker.js';

interface Seen {
  count: number;
  seqs: number[];
}

const SHOWN_FRAMES = 3;

function see(seen: Map<string, Seen>, key: string, seq: number): void {
  const entry = seen.get(key) ?? { count: 0, seqs: [] };
  entry.count += 1;
  if (entry.seqs.length < SHOWN_FRAMES) entry.seqs.push(seq);
  seen.set(key, entry);
}

/**
 * Tracks rule 2b: one terminal event arrives, exactly once, for this run; every other `once`
 * event at most once (a `first` event that arrives again is the order rule's).
 */
export function trackSingleTerminal(
  spec: Pick<ProfileSpec, 'terminal' | 'once' | 'first'>,
): RuleTracker {
  const terminal: Seen & { types: string[] } = { count: 0, seqs: [], types: [] };
  const once = new Map<string, Seen>();
  const checksOnce = spec.once.some((t) => !spec.first.includes(t) && !spec.terminal.includes(t));
  return {
    id: 'single_terminal',
    observe(event) {
      if (!belongsToRun(event.attribution)) return;
      const { role, type, seq } = event;
      if (role.terminal) {
        terminal.count += 1;
        if (terminal.seqs.length < SHOWN_FRAMES) terminal.seqs.push(seq);
        if (!terminal.types.includes(type)) terminal.types.push(type);
      } else if (role.once && !role.first) {
        see(once, type, seq);
      }
    },
    violated: () => terminal.count > 1 || [...once.values()].some((seen) => seen.count > 1),
    result() {
      if (spec.terminal.length === 0 && !checksOnce) {
        return {
          id: 'single_terminal',
          status: 'skip',
          message: 'the profile names no terminal or once-only event',
        };
      }
      const problems: string[] = [];
      const terminalName = terminal.types.join(' and ');
      if (spec.terminal.length > 0 && terminal.count === 0) {
        problems.push(`${either(spec.terminal)} never arrived`);
      }
      if (terminal.count > 1) {
        problems.push(
          `${terminalName} arrived ${terminal.count} times (frames ${describeFrames(terminal.seqs, terminal.count)})`,
        );
      }
      for (const [type, seen] of once) {
        if (seen.count < 2) continue;
        problems.push(
          `${type} arrived ${seen.count} times (frames ${describeFrames(seen.seqs, seen.count)})`,
        );
      }
      if (problems.length > 0) {
        return { id: 'single_terminal', status: 'fail', message: problems.join('; ') };
      }
      return {
        id: 'single_terminal',
        status: 'pass',
        message:
          spec.terminal.length > 0
            ? `${terminalName} arrived once`
            : 'no once-only event arrived twice',
      };
    },
  };
}
