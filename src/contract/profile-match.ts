import type { JudgedProfile } from './profile-judges.js';
import { readPathString } from './profile.js';

/** A profile whose shape every event a run received has. */
export interface ProfileMatch {
  name: string;
}

/** How one sample frame stands to a profile: its run event type and whether the schema accepts it, or no run event the profile names. */
export type SampleFit = { answer: 'fits' | 'fails'; type: string } | { answer: 'unnamed' };

/** Checks one sample frame against a profile's schema for its type, when the profile names that type as a run event. */
export function sampleFit(frame: unknown, profile: JudgedProfile): SampleFit {
  const type = readPathString(frame, profile.typePath);
  const role = type === null ? undefined : profile.roles.get(type);
  if (type === null || role === undefined || role.error) return { answer: 'unnamed' };
  const answer = profile.checker.check(frame, type).errors.length === 0 ? 'fits' : 'fails';
  return { answer, type };
}

/** How a caller answers `sampleFit`, e.g. remembering the answers it already has. */
export type FitOf = (frame: unknown, profile: JudgedProfile) => SampleFit;

/** A `sampleFit` that checks each frame against each profile once, however often it is asked. */
export function rememberedFits(): FitOf {
  const answers = new Map<JudgedProfile, Map<unknown, SampleFit>>();
  return (frame, profile) => {
    let byFrame = answers.get(profile);
    if (byFrame === undefined) {
      byFrame = new Map<unknown, SampleFit>();
      answers.set(profile, byFrame);
    }
    let fit = byFrame.get(frame);
    if (fit === undefined) {
      fit = sampleFit(frame, profile);
      byFrame.set(frame, fit);
    }
    return fit;
  };
}

/**
 * The profiles whose schemas every received run event satisfies, judged on the first frame of each
 * event type (`samples`); a profile that names none of the types does not match.
 */
export function matchProfiles(
  samples: ReadonlyMap<string, unknown>,
  candidates: readonly JudgedProfile[],
  fitOf: FitOf = sampleFit,
): ProfileMatch[] {
  const matches: ProfileMatch[] = [];
  for (const candidate of candidates) {
    const seen = new Set<string>();
    let fits = true;
    for (const frame of samples.values()) {
      const fit = fitOf(frame, candidate);
      if (fit.answer === 'unnamed') continue;
      seen.add(fit.type);
      if (fit.answer === 'fails') {
        fits = false;
        break;
      }
    }
    if (!fits || seen.size === 0) continue;
    matches.push({ name: candidate.spec.name });
  }
  return matches;
}
