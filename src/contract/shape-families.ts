import type { JudgedProfile } from './profile-judges.js';
import { sampleFit, type FitOf, type ProfileMatch } from './profile-match.js';
import type { Diagnosis, ShapeFamily } from './types.js';

/** A run's event types grouped by the first profile whose shape each has, and those that have none. */
export interface ShapeGrouping {
  families: ShapeFamily[];
  unmatched: string[];
}

/** What the judged profile saw arrive: its name, how many events it requires, and which never came. */
export interface Arrival {
  profile: string;
  required: number;
  missing: readonly string[];
}

/**
 * Groups the event types of a run (the first frame of each, `samples`) by the first of
 * `candidates` whose schema its frame satisfies, in the candidates' order.
 */
export function groupShapes(
  samples: ReadonlyMap<string, unknown>,
  candidates: readonly JudgedProfile[],
  fitOf: FitOf = sampleFit,
): ShapeGrouping {
  const byProfile = new Map<string, string[]>();
  const unmatched: string[] = [];
  for (const [event, frame] of samples) {
    // A profile that does not name the frame's type counts as not fitting it.
    const fit = candidates.find((candidate) => fitOf(frame, candidate).answer === 'fits');
    if (fit === undefined) unmatched.push(event);
    else byProfile.set(fit.spec.name, [...(byProfile.get(fit.spec.name) ?? []), event]);
  }
  return {
    families: [...byProfile].map(([profile, events]) => ({ profile, events })),
    unmatched,
  };
}

const list = (items: readonly string[]): string => items.join(', ');
const have = (items: readonly string[]): string => (items.length === 1 ? 'has' : 'have');

/**
 * The shape_drift diagnosis led by what matters first: which required events never arrived and
 * which profile's shape the ones that did have (`matches`: profiles every event fits), or, when
 * no one profile fits them all, how they mix shape families; the families go in `shapes`.
 */
export function withShapes(
  diagnosis: Diagnosis,
  matches: readonly ProfileMatch[],
  grouping: ShapeGrouping,
  arrival: Arrival,
): Diagnosis {
  if (diagnosis.code !== 'shape_drift') return diagnosis;
  const arrived = grouping.families.flatMap((family) => family.events).concat(grouping.unmatched);
  const never =
    arrival.missing.length === 0
      ? null
      : `${arrival.missing.length} of ${arrival.required} required events never arrived (${list(arrival.missing)})`;
  const [first, ...others] = matches;
  if (first !== undefined) {
    const also = others.map(({ name }) => ` They also match profile ${name} (--profile ${name}).`);
    if (never === null) {
      const note = `The stream matches profile ${first.name} (--profile ${first.name}).`;
      return { ...diagnosis, message: `${diagnosis.message} ${note}${also.join('')}` };
    }
    const shape = `have the ${first.name} shape, not the ${arrival.profile} one (--profile ${first.name})`;
    const lead = `${never}; the ${arrived.length} that did (${list(arrived)}) ${shape}.`;
    return {
      ...diagnosis,
      message: `${lead}${also.join('')} ${diagnosis.message}`,
      shapes: [{ profile: first.name, events: arrived }],
    };
  }
  if (grouping.families.length < 2) return diagnosis;
  const parts = grouping.families.map(
    ({ profile, events }) => `${list(events)} ${have(events)} the ${profile} shape`,
  );
  if (grouping.unmatched.length > 0) {
    parts.push(
      `${list(grouping.unmatched)} ${have(grouping.unmatched)} none of the built-in shapes`,
    );
  }
  const lead = `The events mix shape families: ${parts.join('; ')}${never === null ? '' : `; ${never}`}.`;
  return { ...diagnosis, message: `${lead} ${diagnosis.message}`, shapes: grouping.families };
}
