import type { FrameRecord, FrameVerdict, SessionOutcome } from './frames.js';
import { createJudge, type Judge, type JudgeOptions } from './judge.js';
import type { ContractProfile } from './profile.js';
import type { FrameChecker } from './types.js';
import type { ProfileJudgement } from './verdict.js';

/** A profile and the schemas its frames are checked against. */
export type JudgedProfile = ContractProfile & { checker: FrameChecker };

/** One judge per profile, fed the same frames in one pass. */
export interface ProfileJudges {
  /** Feeds one frame to every judge; the first profile says whether it ends the run. */
  observe(frame: FrameRecord): FrameVerdict;
  /** Each profile's judgement, in the order of the profiles. */
  finish(outcome: SessionOutcome): ProfileJudgement[];
  /** The judge of each profile, in order. */
  readonly judges: readonly Judge[];
}

/** Creates a judge for each profile with the same run options; the frames are parsed once, before they reach them. */
export function createProfileJudges(
  profiles: readonly JudgedProfile[],
  options: Omit<JudgeOptions, 'profile' | 'checker'>,
): ProfileJudges {
  if (profiles.length === 0) throw new Error('judging needs at least one profile');
  const judges = profiles.map((profile) =>
    createJudge({ ...options, profile, checker: profile.checker }),
  );
  const [lead, ...others] = judges as [Judge, ...Judge[]];
  return {
    judges,
    observe(frame) {
      const verdict = lead.observe(frame);
      if (others.length === 0) return verdict;
      let agentEvent = verdict.agentEvent;
      for (const judge of others) agentEvent = judge.observe(frame).agentEvent || agentEvent;
      // Any profile that sees the run start stops the first-event clock; only the first one ends it.
      return agentEvent === verdict.agentEvent ? verdict : { ...verdict, agentEvent };
    },
    finish(outcome) {
      return judges.map((judge, i) => ({
        name: profiles[i]?.spec.name ?? '',
        judgement: judge.finish(outcome),
      }));
    },
  };
}
