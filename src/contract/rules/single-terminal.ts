import { belongsToRun } from '../attribution.js';
import type { RuleTracker } from './tracker.js';

function describeFrames(seqs: readonly number[], total: number): string {
  const shown = seqs.map((seq) => `#${seq}`).join(', ');
  return total > seqs.length ? `${shown}, …` : shown;
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
