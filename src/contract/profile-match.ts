import type { JudgedProfile } from './profile-judges.js';
import { readPathString } from './profile.js';

/** A profile whose shape every event a run received has. */
export interface ProfileMatch {
  name: string;
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
    matches.push({ name: candidate.spec.name });
  }
  return matches;
}
