import type { RuleTracker } from './tracker.js';

/** Tracks rule 4: no event of another run arrives on this connection; skipped when the profile carries no ids. */
export function trackRunScope(scoped: boolean): RuleTracker {
  let count = 0;
  // A copy: the judge reuses one event object for each event.
  let first: { type: string; seq: number; foreignId: string | null } | null = null;
  return {
    id: 'run_scope',
    observe(event) {
      if (event.attribution !== 'foreign') return;
      count += 1;
      first ??= { type: event.type, seq: event.seq, foreignId: event.foreignId };
    },
    violated: () => count > 0,
    result() {
      if (!scoped) {
        return {
          id: 'run_scope',
          status: 'skip',
          message: 'the profile says where no run ids are, so events are not attributed to runs',
        };
      }
      if (first === null) {
        return { id: 'run_scope', status: 'pass', message: 'no events of other runs' };
      }
      return {
        id: 'run_scope',
        status: 'fail',
        message: `${count} event(s) of another run (first: ${first.type} at frame #${first.seq} with ${first.foreignId ?? 'another id'})`,
      };
    },
  };
}
