import { belongsToRun } from '../attribution.js';
import type { RuleEvent, RuleTracker } from './tracker.js';

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
