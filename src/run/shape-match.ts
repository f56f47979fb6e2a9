import { matchProfiles, rememberedFits } from '../contract/profile-match.js';
import { groupShapes, withShapes } from '../contract/shape-families.js';
import type { ProfileJudges } from '../contract/profile-judges.js';
import { BUILT_IN_PROFILES } from '../contract/profile.js';
import { loadProfile, type LoadedProfile } from '../contract/profiles.js';
import type { ProfileJudgement } from '../contract/verdict.js';

/** The built-in profiles, loaded once per process and only when a run fails on shape. */
export function builtInCandidates(): () => Promise<LoadedProfile[]> {
  let loaded: Promise<LoadedProfile[]> | null = null;
  return () =>
    (loaded ??= Promise.all(
      BUILT_IN_PROFILES.map((name) => loadProfile({ kind: 'built-in', name })),
    ));
}

/**
 * Names, in each shape_drift diagnosis, the built-in profiles not judged in this run whose schemas
 * the received events satisfy, or the shape families they mix, and leads with the required events
 * that never arrived; only runs that fail on shape pay for it.
 */
export async function nameMatchingProfiles(
  judged: ProfileJudgement[],
  judges: ProfileJudges,
  candidates: () => Promise<LoadedProfile[]>,
): Promise<void> {
  const drifting = judged.filter(({ judgement }) =>
    judgement.diagnoses.some((d) => d.code === 'shape_drift'),
  );
  if (drifting.length === 0) return;
  const judgedNames = new Set(judged.map((j) => j.name));
  const all = await candidates();
  const others = all.filter((p) => !judgedNames.has(p.spec.name));
  judged.forEach(({ name, judgement }, index) => {
    const judge = judges.judges[index];
    if (judge === undefined || !drifting.some((d) => d.judgement === judgement)) return;
    const samples = judge.samples();
    // Both ask about the same frames and profiles: each frame is checked against a profile once.
    const fitOf = rememberedFits();
    const matches = matchProfiles(samples, others, fitOf);
    const grouping = groupShapes(samples, all, fitOf);
    const required = judgement.events.filter((event) => event.optional !== true);
    const arrival = {
      profile: name,
      required: required.length,
      missing: required.filter((event) => event.status === 'missing').map((event) => event.type),
    };
    judgement.diagnoses = judgement.diagnoses.map((d) => withShapes(d, matches, grouping, arrival));
  });
}
