import { belongsToRun } from '../attribution.js';
import type { ProfileSpec } from '../profile.js';
import type { RuleResult } from '../types.js';
import { either, type RuleTracker } from './tracker.js';

/** Time budgets in milliseconds after the trigger. */
export interface TimeBudgets {
  firstEventMs: number;
  totalMs: number;
}

/** Tracks rule 5: first run event within `firstEventMs` of the trigger, the terminal event within `totalMs`; skips without budgets. */
export function trackTimeBudget(
  budgets: TimeBudgets | null,
  spec: Pick<ProfileSpec, 'terminal'>,
): RuleTracker {
  let started = false;
  let firstAtMs: number | null = null;
  let completed: { type: string; atMs: number | null } | null = null;
  const terminalName = either(spec.terminal);
  return {
    id: 'time_budget',
    observe(event) {
      if (!belongsToRun(event.attribution)) return;
      if (!started) {
        started = true;
        firstAtMs = event.atMs;
      }
      if (event.role.terminal) completed ??= { type: event.type, atMs: event.atMs };
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
      const firstPart = `first agent event after ${firstAtMs} ms (budget ${budgets.firstEventMs} ms)`;
      if (spec.terminal.length === 0) {
        return {
          id: 'time_budget',
          status: 'pass',
          message: `${firstPart}; the profile names no terminal event to time`,
        };
      }
      if (completed === null) {
        return outcome.reason === 'timeout'
          ? fail(
              `${terminalName} did not arrive within ${budgets.totalMs} ms; still missing: ${missing.join(', ')}`,
            )
          : skip(`${terminalName} never arrived (session ended: ${outcome.reason})`);
      }
      if (completed.atMs === null) return skip(`arrival time of ${completed.type} is unknown`);
      if (completed.atMs > budgets.totalMs) {
        return fail(
          `${completed.type} arrived after ${completed.atMs} ms; the budget is ${budgets.totalMs} ms`,
        );
      }
      return {
        id: 'time_budget',
        status: 'pass',
        message: `${firstPart}, ${completed.type} after ${completed.atMs} ms (budget ${budgets.totalMs} ms)`,
      };
    },
  };
}
