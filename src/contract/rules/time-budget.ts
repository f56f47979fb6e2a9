import { belongsToRun } from '../attribution.js';
import type { RuleResult } from '../types.js';
import type { RuleTracker } from './tracker.js';

/** Time budgets in milliseconds after the trigger. */
export interface TimeBudgets {
  firstEventMs: number;
  totalMs: number;
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
