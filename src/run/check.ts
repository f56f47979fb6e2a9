import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';

import { createIdReader } from '../contract/attribution.js';
import { ExitCode } from '../shared/errors.js';
import {
  createProfileJudges,
  type JudgedProfile,
  type ProfileJudges,
} from '../contract/profile-judges.js';
import type { TriggerInfo } from '../contract/types.js';
import type { FrameRecord, SessionOutcome } from '../contract/frames.js';
import type { RunReport } from '../contract/run-report.js';
import { buildRunReport } from '../contract/verdict.js';
import { redactUrl } from '../shared/redact.js';
import type { TranscriptHeader } from '../transcript/format.js';
import { scanTranscript, sourceName, type TranscriptSource } from '../transcript/reader.js';
import { loadProfiles, selectProfilesOrDefault, type LoadedProfile } from '../contract/profiles.js';
import { defaultOf, type RunFlags } from '../settings/options.js';
import { flagProfileChoices } from '../settings/resolve.js';
import { builtInCandidates, nameMatchingProfiles } from './shape-match.js';

/** Options of an offline re-check. */
export interface CheckOptions {
  /** The profiles the frames are judged by, in order; the first one's report leads. */
  profiles: readonly JudgedProfile[];
  /** Environment name shown in the report; defaults to the recording's, or `recording` for a plain file. */
  env?: string;
  /** Schema errors kept per required event (the judge's default when absent). */
  maxErrorsPerEvent?: number;
  /** Largest frame read (--max-frame-size); a longer line is never read in, only counted. */
  maxFrameBytes?: number;
  /** Wall clock: the start time of a plain stream read from standard input. */
  now?: () => Date;
  /** The built-in profiles a run that fails on shape is matched against (loaded on first use by default). */
  candidates?: () => Promise<LoadedProfile[]>;
}

/** The options of a re-check by --profile, --schemas and --max-frame-size, with paths relative to `cwd`. */
export async function checkOptionsOf(
  flags: Pick<RunFlags, 'profile' | 'schemas' | 'maxFrameSize'>,
  cwd: string,
): Promise<CheckOptions> {
  const profiles = await loadProfiles(
    selectProfilesOrDefault(flagProfileChoices(flags.profile, cwd)),
    flags.schemas === undefined ? {} : { schemasDir: resolve(cwd, flags.schemas) },
  );
  return {
    profiles,
    maxFrameBytes: flags.maxFrameSize ?? defaultOf('maxFrameSize'),
    now: () => new Date(),
  };
}

// A recording's frame line wraps the frame in `{"seq":..,"dir":..,"t":..,"size":..,"frame":..}`.
const LINE_WRAPPER_BYTES = 1024;

// Trigger type shown for a plain NDJSON file, where no trigger was sent.
const NO_TRIGGER_TYPE = '(none)';

interface CheckState {
  header: TranscriptHeader | null;
  judges: ProfileJudges | null;
  outcome: SessionOutcome | null;
  /** The first frame the recording kept only truncated; judging stops there. */
  truncated: FrameRecord | null;
  lastAtMs: number | null;
  /** Ids of the first agent event, standing in for the trigger of a plain file. */
  runIds: { thread_id: string; run_id: string } | null;
}

/** Re-judges a recording (or a plain NDJSON file of received frames) and builds its RunReport. */
export async function checkRecording(
  source: TranscriptSource,
  options: CheckOptions,
): Promise<RunReport> {
  const path = sourceName(source);
  const state: CheckState = {
    header: null,
    judges: null,
    outcome: null,
    truncated: null,
    lastAtMs: null,
    runIds: null,
  };
  const profile = options.profiles[0];
  if (profile === undefined) throw new Error('check needs at least one profile');
  const ids = createIdReader(profile.spec.runScope);
  // Created at the first frame, once the recording's header (if any) has given the trigger.
  const judgesFor = (): ProfileJudges =>
    (state.judges ??= createProfileJudges(options.profiles, {
      trigger: state.header?.trigger ?? null,
      triggerFrame: state.header?.triggerFrame,
      budgets: state.header?.budgets ?? null,
      ...(options.maxErrorsPerEvent === undefined
        ? {}
        : { maxErrorsPerEvent: options.maxErrorsPerEvent }),
    }));

  const maxLineBytes =
    options.maxFrameBytes === undefined ? undefined : options.maxFrameBytes + LINE_WRAPPER_BYTES;
  await scanTranscript(
    source,
    {
      header(header) {
        state.header = header;
      },
      frame(frame, truncated) {
        // The live session would have stopped at an oversized frame; so does the re-check.
        if (state.truncated !== null) return;
        // A truncated binary frame is still judged: its bytes never mattered, only that it was binary.
        if (truncated && frame.kind !== 'binary') {
          state.truncated = frame;
          return;
        }
        if (frame.atMs !== null) state.lastAtMs = frame.atMs;
        const verdict = judgesFor().observe(frame);
        if (verdict.agentEvent && state.runIds === null) {
          const { threadId, runId } = ids.read(frame.data);
          state.runIds = { thread_id: threadId ?? '', run_id: runId ?? '' };
        }
      },
      end(outcome) {
        state.outcome = outcome;
      },
    },
    maxLineBytes === undefined ? {} : { maxLineBytes },
  );

  const { header, truncated } = state;
  const outcome =
    truncated === null
      ? (state.outcome ?? { reason: 'end_of_recording', close: null, durationMs: null })
      : oversizedOutcome(truncated, state.outcome);
  const judges = judgesFor();
  const judged = judges.finish(outcome);
  await nameMatchingProfiles(judged, judges, options.candidates ?? builtInCandidates());
  return buildRunReport(judged, {
    target:
      header === null
        ? { env: options.env ?? 'recording', url: path }
        : // A recording from another tool or an edited one may hold a URL's credentials.
          { env: options.env ?? header.target.env, url: redactUrl(header.target.url) },
    trigger: header?.trigger ?? plainTrigger(state.runIds),
    startedAt:
      header?.startedAt ??
      (typeof source === 'string'
        ? await modifiedAt(source)
        : (options.now?.() ?? new Date(0)).toISOString()),
    durationMs: outcome.durationMs ?? state.lastAtMs ?? 0,
    close: outcome.close,
    warnings: [
      ...(header !== null && state.outcome === null
        ? [
            'incomplete recording: it has no end line, so how the session ended is unknown (it was cut short or is still being written)',
          ]
        : []),
      ...(truncated === null
        ? []
        : [
            `frame #${truncated.seq} (${truncated.size} bytes) was recorded truncated or is over --max-frame-size, so it and the frames after it were not re-judged`,
          ]),
    ],
  });
}

// A truncated frame cannot be checked field by field; it counts as a frame over the size limit,
// which is how the live session ends when one arrives.
function oversizedOutcome(frame: FrameRecord, recorded: SessionOutcome | null): SessionOutcome {
  if (recorded?.reason === 'frame_too_large') return recorded;
  return {
    reason: 'frame_too_large',
    close: null,
    durationMs: frame.atMs,
    failure: {
      code: 'FRAME_TOO_LARGE',
      exitCode: ExitCode.Connection,
      message: `Frame #${frame.seq} (${frame.size} bytes) exceeded the recording limit and was kept truncated, so it cannot be re-judged.`,
      hint: 'A recording keeps only the first 1 KiB of a frame over its size limit (--max-frame-size when recorded live); judge such runs live.',
    },
  };
}

function plainTrigger(runIds: CheckState['runIds']): TriggerInfo {
  return {
    type: NO_TRIGGER_TYPE,
    thread_id: runIds?.thread_id ?? '',
    run_id: runIds?.run_id ?? '',
  };
}

// A plain file does not say when its frames arrived; its last change is the closest known time.
async function modifiedAt(path: string): Promise<string> {
  try {
    return (await stat(path)).mtime.toISOString();
  } catch {
    return new Date(0).toISOString();
  }
}
