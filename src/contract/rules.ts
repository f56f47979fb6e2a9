import type { ProfileSpec } from './profile.js';
import { RULE_IDS, type RuleId, type RuleResult } from './types.js';
import { trackOrder } from './rules/order.js';
import { trackPresence } from './rules/presence.js';
import { trackRunScope } from './rules/run-scope.js';
import { trackSingleTerminal } from './rules/single-terminal.js';
import { trackTimeBudget, type TimeBudgets } from './rules/time-budget.js';
import { trackToolPairing } from './rules/tool-pairing.js';
import type { RuleContext, RuleEvent } from './rules/tracker.js';

// What the judge needs besides the rule set: the budgets it takes.
export type { TimeBudgets } from './rules/time-budget.js';

/** All six rule trackers fed together. */
export interface RuleSet {
  /** Feeds one run event to every tracker. */
  observe(event: RuleEvent): void;
  /** True once any tracker has seen a violation that no later frame can undo. */
  violated(): boolean;
  /** The rules that have seen such a violation, in RULE_IDS order. */
  violations(): RuleId[];
  /** Every rule's result, in RULE_IDS order. */
  results(context: RuleContext): RuleResult[];
}

/** Creates the six rule trackers of a profile, in RULE_IDS order. */
export function createRuleSet(spec: ProfileSpec, budgets: TimeBudgets | null): RuleSet {
  const trackers = [
    trackPresence(spec),
    trackOrder(spec),
    trackSingleTerminal(spec),
    trackToolPairing(spec.pairs),
    trackRunScope(spec.runScope !== null),
    trackTimeBudget(budgets, spec),
  ];
  return {
    observe(event) {
      for (const tracker of trackers) tracker.observe(event);
    },
    violated: () => trackers.some((tracker) => tracker.violated()),
    violations: () => trackers.filter((tracker) => tracker.violated()).map((t) => t.id),
    results: (context) => trackers.map((tracker) => tracker.result(context)),
  };
}

/** Every rule marked skip with the same reason, for runs that never got far enough to judge. */
export function skipRules(message: string): RuleResult[] {
  return RULE_IDS.map((id) => ({ id, status: 'skip', message }));
}
