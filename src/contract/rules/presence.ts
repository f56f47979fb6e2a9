import { belongsToRun } from '../attribution.js';
import { REQUIRED_EVENTS, type RequiredEvent } from '../types.js';
import type { RuleTracker } from './tracker.js';

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
