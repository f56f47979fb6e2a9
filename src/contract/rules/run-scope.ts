import { describeIds } from '../attribution.js';
import type { RuleEvent, RuleTracker } from './tracker.js';

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
