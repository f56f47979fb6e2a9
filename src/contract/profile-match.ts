import type { JudgedProfile } from './profile-judges.js';
import { readPathString } from './profile.js';
import type { Diagnosis } from './types.js';

/** How the events a run received fit another profile: every one of its shapes, and how many it still lacks. */
export interface ProfileMatch {
  name: string;
  /** Required events of that profile that never arrived. */
  missing: string[];
}

/**
 * The profiles whose schemas every received run event satisfies, judged on the first frame of each
 * event type (`samples`); a profile that names none of the types does not match.
 */
export function matchProfiles(
  samples: ReadonlyMap<string, unknown>,
  candidates: readonly JudgedProfile[],
): ProfileMatch[] {
  const matches: ProfileMatch[] = [];
  for (const candidate of candidates) {
    const seen = new Set<string>();
    let fits = true;
    for (const frame of samples.values()) {
      const type = readPathString(frame, candidate.typePath);
      const role = type === null ? undefined : candidate.roles.get(type);
      if (type === null || role === undefined || role.error) continue;
      seen.add(type);
      if (candidate.checker.check(frame, type).errors.length > 0) {
        fits = false;
        break;
      }
    }
    if (!fits || seen.size === 0) continue;
    matches.push({
      name: candidate.spec.name,
      missing: candidate.spec.required.filter((type) => !seen.has(type)),
    });
  }
  return matches;
}

/** The shape_drift diagnosis with the profiles the stream matches named at its end. */
export function withMatches(diagnosis: Diagnosis, matches: readonly ProfileMatch[]): Diagnosis {
  if (diagnosis.code !== 'shape_drift' || matches.length === 0) return diagnosis;
  const notes = matches.map(({ name, missing }) =>
    missing.length === 0
      ? `The stream matches profile ${name} (--profile ${name}).`
      : `The events that arrived match profile ${name}, but ${missing.join(', ')} never arrived (--profile ${name}).`,
  );
  return { ...diagnosis, message: `${diagnosis.message} ${notes.join(' ')}` };
}
