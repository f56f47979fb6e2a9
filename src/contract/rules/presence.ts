import { belongsToRun } from '../attribution.js';
import type { ProfileSpec } from '../profile.js';
import type { RuleTracker } from './tracker.js';

const NUMBER_WORDS = [
  'no',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
];

/** Tracks rule 1: each of the profile's required events arrives at least once for this run. */
export function trackPresence(spec: Pick<ProfileSpec, 'required'>): RuleTracker {
  const seen = new Set<string>();
  return {
    id: 'presence',
    observe(event) {
      if (event.role.required && belongsToRun(event.attribution)) seen.add(event.type);
    },
    violated: () => false,
    result() {
      const missing = spec.required.filter((type) => !seen.has(type));
      const total = spec.required.length;
      const all =
        total === 1
          ? 'the required event'
          : total === 2
            ? 'both required events'
            : `all ${NUMBER_WORDS[total] ?? total} required events`;
      return missing.length === 0
        ? { id: 'presence', status: 'pass', message: `${all} arrived` }
        : {
            id: 'presence',
            status: 'fail',
            message: `never arrived for this run: ${missing.join(', ')}`,
          };
    },
  };
}
