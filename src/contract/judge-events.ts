import type { EventResult, FieldError } from './types.js';

/** What the judge keeps of one run event type: counts, first arrival, the first few errors, one sample. */
export interface EventState {
  count: number;
  firstAtMs: number | null;
  failed: boolean;
  errors: FieldError[];
  /** The first frame of this type of the run, for matching the stream against other profiles. */
  sample: unknown;
}

/** The per-type tallies of a run's events: the required ones from the start, others as they arrive. */
export interface EventTally {
  /** The state of a type, made on first use; the judge looks it up once per event. */
  entry(type: string): EventState;
  /** Counts one event of the run in its type's state; `errors` are its schema errors. */
  add(state: EventState, atMs: number | null, frame: unknown, errors: readonly FieldError[]): void;
  /** How many events of `type` the run had. */
  count(type: string): number;
  /** False once the errors kept for a type are as many as are kept. */
  hasRoom(state: EventState): boolean;
  /** Required types that never arrived, in the profile's order. */
  missing(): string[];
  /** One result per required type, then one per other type that arrived. */
  results(): EventResult[];
  /** The first frame of each type that arrived. */
  samples(): Map<string, unknown>;
}

/** Creates the tally for a profile's required events; at most `maxErrors` errors are kept per type. */
export function createEventTally(required: readonly string[], maxErrors: number): EventTally {
  const fresh = (): EventState => ({
    count: 0,
    firstAtMs: null,
    failed: false,
    errors: [],
    sample: undefined,
  });
  // A Map, not an object: types come from the profile but are named by remote frames too.
  const states = new Map<string, EventState>(required.map((type) => [type, fresh()]));
  return {
    entry(type) {
      let state = states.get(type);
      if (state === undefined) {
        state = fresh();
        states.set(type, state);
      }
      return state;
    },
    add(state, atMs, frame, errors) {
      state.count += 1;
      if (state.count === 1) {
        state.firstAtMs = atMs;
        state.sample = frame;
      }
      if (errors.length === 0) return;
      state.failed = true;
      const room = maxErrors - state.errors.length;
      if (room > 0) state.errors.push(...errors.slice(0, room));
    },
    count: (type) => states.get(type)?.count ?? 0,
    hasRoom: (state) => state.errors.length < maxErrors,
    missing: () => required.filter((type) => (states.get(type)?.count ?? 0) === 0),
    results() {
      // A type looked up for an event that was not the run's has no result of its own.
      const listed = [...states].filter(
        ([type, state]) => state.count > 0 || required.includes(type),
      );
      return listed.map(([type, state]) => {
        const result: EventResult = {
          type,
          status: state.count === 0 ? 'missing' : state.failed ? 'fail' : 'pass',
          count: state.count,
          firstAtMs: state.firstAtMs,
          errors: [...state.errors],
        };
        if (!required.includes(type)) result.optional = true;
        return result;
      });
    },
    samples() {
      const out = new Map<string, unknown>();
      for (const [type, state] of states) if (state.count > 0) out.set(type, state.sample);
      return out;
    },
  };
}
