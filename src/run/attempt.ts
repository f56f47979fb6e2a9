import { applyToken } from '../auth/placement.js';
import { createProfileJudges } from '../contract/profile-judges.js';
import type { SessionOutcome } from '../contract/frames.js';
import { buildRunReport, readLatencies } from '../contract/verdict.js';
import { runSession } from '../session/session.js';
import { ExitCode, WsValidateError } from '../shared/errors.js';
import { redactUrl } from '../shared/redact.js';
import { mergeHeaders } from '../settings/headers.js';
import type { RunSettings } from '../settings/resolve.js';
import { createTranscriptWriter } from '../transcript/writer.js';
import { nameMatchingProfiles } from './shape-match.js';
import { withThreadId } from './trigger.js';
import type { RunDeps, RunResult, Target } from './types.js';

type Outcome = SessionOutcome & { connectMs: number | null };

/**
 * Makes one attempt of a run: fetches the token, then records (with --record) and judges one live
 * session; a token source that cannot reach its service ends the attempt as a connection or auth
 * failure, and a usage error is thrown before the recording is opened, which it leaves untouched.
 */
export async function attemptRun(
  target: Target,
  settings: RunSettings,
  deps: RunDeps,
  runIndex: number,
): Promise<RunResult> {
  const userIndex = runIndex % settings.users;
  const startedAt = deps.now().toISOString();
  const started = deps.clock();
  const displayUrl = redactUrl(target.url);
  const trigger = target.buildTrigger(userName(settings, userIndex), deps.newId);
  const budgets = {
    firstEventMs: settings.budgets.firstEventMs,
    totalMs: settings.budgets.totalMs,
  };
  const judges = createProfileJudges(target.profiles, {
    trigger: trigger.info,
    triggerFrame: trigger.frame,
    budgets,
    ...(deps.peers ? { peers: deps.peers } : {}),
  });

  let outcome: Outcome;
  deps.peers?.add(trigger.info);
  try {
    const token = await fetchOrFail(target, userIndex);
    const recorder = settings.record
      ? await createTranscriptWriter(settings.record, {
          redact: deps.redact,
          maxFrameBytes: settings.maxFrameBytes,
        })
      : null;
    recorder?.writeHeader({
      target: { env: target.env, url: displayUrl },
      trigger: trigger.info,
      triggerFrame: trigger.frame,
      budgets,
      startedAt,
    });
    try {
      if (typeof token === 'object' && token !== null) {
        outcome = token;
      } else {
        const placed = token
          ? applyToken(target.url, token, settings.placement, target.env)
          : { url: target.url, headers: {}, protocols: [] };
        outcome = await runSession({
          url: placed.url,
          // The run's own headers may replace X-Environment, never the token (settings refuse it).
          headers: mergeHeaders(placed.headers, settings.headers),
          protocols: placed.protocols,
          ...(settings.origin === null ? {} : { origin: settings.origin }),
          trigger: trigger.frame,
          handshake: settings.handshake,
          triggerFor: (threadId) => withThreadId(trigger.frame, trigger.info.thread_id, threadId),
          budgets: settings.budgets,
          maxFrameBytes: settings.maxFrameBytes,
          ...(target.trust.ca === null ? {} : { ca: target.trust.ca }),
          insecure: target.trust.insecure,
          ...(target.tunnel ? { tunnel: target.tunnel() } : {}),
          observe: (frame) => judges.observe(frame),
          onFrame: (frame, wire) => {
            recorder?.writeFrame(frame, wire);
            deps.onFrame?.(frame, runIndex);
          },
          clock: deps.clock,
          now: deps.now,
          ...(deps.signal ? { signal: deps.signal } : {}),
          ...(deps.connect ? { connect: deps.connect } : {}),
        });
      }
      recorder?.writeEnd(outcome);
    } finally {
      await recorder?.close();
    }
  } finally {
    deps.peers?.delete(trigger.info);
  }

  // Set once on the outcome, which every profile's judgement copies its error from.
  if (outcome.failure?.code === 'CONNECTION_REFUSED' && settings.envDefaulted) {
    outcome.failure.hint = `nothing answers at ${displayUrl} (the default "local" environment); try --env embedded for a first look`;
  }
  const judged = judges.finish(outcome);
  await nameMatchingProfiles(judged, judges, target.candidates);
  const report = buildRunReport(judged, {
    target: { env: target.env, url: displayUrl },
    trigger: trigger.info,
    startedAt,
    durationMs: deps.clock() - started,
    close: outcome.close,
  });
  const terminal = target.profiles[0]?.spec.terminal ?? [];
  return { report, latencies: readLatencies(report, outcome.connectMs, terminal) };
}

/** The user id of the `userIndex`-th user: `--user` itself, or numbered when there are several. */
export function userName(settings: Pick<RunSettings, 'user' | 'users'>, userIndex: number): string {
  return settings.users > 1 ? `${settings.user}-${userIndex + 1}` : settings.user;
}

/**
 * The token of a run (null for none), or, when its source could not reach its service, the
 * outcome of a run that ended there; a usage error or a bug is thrown.
 */
async function fetchOrFail(target: Target, userIndex: number): Promise<string | null | Outcome> {
  try {
    return await target.tokenFor(userIndex);
  } catch (error) {
    if (!(error instanceof WsValidateError) || error.exitCode === ExitCode.Usage) throw error;
    return {
      reason: 'closed',
      close: null,
      durationMs: null,
      connectMs: null,
      failure: {
        code: error.code,
        message: error.message,
        exitCode: error.exitCode,
        ...(error.hint ? { hint: error.hint } : {}),
      },
    };
  }
}
