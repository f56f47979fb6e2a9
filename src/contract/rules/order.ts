import { belongsToRun } from '../attribution.js';
import type { ProfileSpec } from '../profile.js';
import { either, type RuleTracker } from './tracker.js';

/**
 * Tracks rule 2a: the run opens with one of the profile's `first` events (once, when it is also a
 * `once` event) and ends with one of its `terminal` events, after which no run event arrives.
 */
export function trackOrder(spec: Pick<ProfileSpec, 'first' | 'terminal'>): RuleTracker {
  // The type of the run's first event; events are not kept (the judge reuses one for each).
  let first: string | null = null;
  let openedSeq: number | null = null;
  let terminal: { type: string; seq: number } | null = null;
  let violation: string | null = null;
  return {
    id: 'order',
    observe(event) {
      if (!belongsToRun(event.attribution)) return;
      const { role, type, seq } = event;
      if (first === null) {
        first = type;
        if (spec.first.length > 0 && !role.first) {
          violation = `the first agent event was ${type} (frame #${seq}), not ${either(spec.first)}`;
        }
      } else if (role.first && role.once && openedSeq !== null) {
        violation ??= `${type} arrived again at frame #${seq} (first at #${openedSeq})`;
      }
      if (role.first) openedSeq ??= seq;
      // A second terminal event is single_terminal's to report; anything else after it is ours.
      if (role.terminal) {
        terminal ??= { type, seq };
      } else if (terminal !== null) {
        violation ??= `${type} (frame #${seq}) arrived after ${terminal.type} (frame #${terminal.seq}); ${terminal.type} must be the last agent event`;
      }
    },
    violated: () => violation !== null,
    result() {
      if (first === null) {
        return { id: 'order', status: 'skip', message: 'no agent events to order' };
      }
      if (violation !== null) return { id: 'order', status: 'fail', message: violation };
      const opened = spec.first.length > 0 ? `${first} came first` : 'the run opened';
      const ended =
        spec.terminal.length === 0
          ? '; the profile names no terminal event'
          : terminal === null
            ? `; ${either(spec.terminal)} never arrived`
            : ` and ${terminal.type} last`;
      return { id: 'order', status: 'pass', message: `${opened}${ended}` };
    },
  };
}
