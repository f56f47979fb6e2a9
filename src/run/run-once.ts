import { readFile, stat } from 'node:fs/promises';
import { applyToken } from '../auth/placement.js';
import { fetchToken, isPerUser } from '../auth/sources.js';
import { ExitCode, UsageError, WsValidateError } from '../shared/errors.js';
import { createJudge } from '../contract/judge.js';
import type { Attempt, RunLatencies, RunReport } from '../contract/run-report.js';
import { buildRunReport, readLatencies } from '../contract/verdict.js';
import type { FrameChecker, PeerRuns, TriggerInfo } from '../contract/types.js';
import type { FrameRecord, SessionOutcome } from '../contract/frames.js';
import { redactUrl } from '../shared/redact.js';
import { loadTrust, type Trust } from '../shared/trust.js';
import { defaultSchemasDir, loadSchemas } from '../contract/schemas.js';
import { runSession, type ConnectFn } from '../session/session.js';
import { parseScenario } from '../settings/parse.js';
import { capBudgets, type RunSettings } from '../settings/resolve.js';
import { createTranscriptWriter } from '../transcript/writer.js';
import { buildRunTrigger, isNamedTrigger, type BuiltTrigger } from './trigger.js';

/** What a run needs from its surroundings; injected so tests drive it in-process. */
export interface RunDeps {
  /** Monotonic clock in milliseconds. */
  clock: () => number;
  /** Wall clock, for `startedAt` and token expiry. */
  now: () => Date;
  /** Fresh id generator (uuid v4 by default). */
  newId: () => string;
  env: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  connect?: ConnectFn;
  /** Prints a warning line (to stderr). */
  warn(line: string): void;
  /** Registers a secret so that every output redacts it from now on. */
  addSecret(secret: string): void;
  /** Redacts known secrets from a text (for files written during the run). */
  redact: (text: string) => string;
  /** Called for every frame of every run, after it was judged (verbose output). */
  onFrame?(frame: FrameRecord, runIndex: number): void;
  /** The other runs live at the same time (repeated runs), for cross-talk detection. */
  peers?: PeerRunRegistry;
}

/** Live runs of this process: registered while their socket is open. */
export interface PeerRunRegistry extends PeerRuns {
  add(run: TriggerInfo): void;
  delete(run: TriggerInfo): void;
}

/** The result of one run: its report and its latencies. */
export interface RunResult {
  report: RunReport;
  latencies: RunLatencies;
}

/** A resolved target that runs can be made against; `close()` stops anything it started. */
export interface Target {
  env: string;
  url: string;
  checker: FrameChecker;
  /** The certificates wss:// and the E2E token request trust (--ca, --insecure), read once. */
  trust: Trust;
  /** Builds a run's trigger with fresh ids (a template file is read once). */
  buildTrigger(userId: string, newId: () => string): BuiltTrigger;
  tokenFor(userIndex: number): Promise<string | null>;
  close(): Promise<void>;
}

const EMBEDDED_STEP_DELAY_MS = 100;

/** Loads the schemas, starts the embedded server when asked, and prepares token minting. */
export async function openTarget(settings: RunSettings, deps: RunDeps): Promise<Target> {
  const scenario = settings.scenario === null ? null : parseScenario(settings.scenario);
  await refuseDirectories(settings.reports.map((r) => r.path));
  const checker = await loadSchemas(settings.schemasDir ?? defaultSchemasDir());
  const trust = await loadTrust(settings.tls);
  const template = isNamedTrigger(settings.trigger) ? null : await readTemplate(settings.trigger);
  const buildTrigger = (userId: string, newId: () => string): BuiltTrigger =>
    buildRunTrigger(settings, template, userId, newId);
  // A broken template is a usage error before anything starts or connects.
  buildTrigger(settings.user, () => 'id');
  if (settings.tls.insecure) {
    deps.warn(
      '--insecure: the server certificate is not verified; do not use this against production',
    );
  }
  let url = settings.url;
  let source = settings.token;
  let close = (): Promise<void> => Promise.resolve();
  if (settings.embedded) {
    const { startReferenceServer, generateSecret } = await import('../server/index.js');
    const secret = generateSecret();
    deps.addSecret(secret);
    const server = await startReferenceServer({
      jwtSecret: secret,
      stepDelayMs: EMBEDDED_STEP_DELAY_MS,
      ...(scenario === null ? {} : { scenario }),
    });
    url = server.url;
    source = { kind: 'mint', secret, origin: 'the embedded server' };
    close = () => server.close();
  }
  if (url === null) throw new Error('no URL for a non-embedded target');
  const tokens = new Map<number, Promise<string | null>>();
  const tokenFor = (userIndex: number): Promise<string | null> => {
    const key = isPerUser(source) ? userIndex : 0;
    let token = tokens.get(key);
    if (!token) {
      token = fetchToken(source, userName(settings, key), {
        timeoutMs: settings.budgets.connectMs,
        env: deps.env,
        now: deps.now,
        warn: (line) => deps.warn(line),
        addSecret: (secret) => deps.addSecret(secret),
        trust,
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      tokens.set(key, token);
      // A failed fetch is not kept: a retry or a later run asks again.
      token.catch(() => tokens.delete(key));
    }
    return token;
  };
  return { env: settings.env, url, checker, trust, buildTrigger, tokenFor, close };
}

function userName(settings: RunSettings, userIndex: number): string {
  return settings.users > 1 ? `${settings.user}-${userIndex + 1}` : settings.user;
}

async function readTemplate(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError('TRIGGER_UNREADABLE', `--trigger: cannot read "${path}"`, {
      hint: 'give agent_execution, start_agent, user_message or the path of a JSON template',
      cause: error,
    });
  }
}

const RETRY_BASE_MS = 250;
const RETRY_MAX_MS = 5_000;
// An attempt with less time than this could not even connect: the budget is spent.
const MIN_ATTEMPT_MS = 100;

/**
 * Runs one validation against a target, retrying connection failures up to `settings.retries`
 * times, all within the total budget (--timeout): every attempt and every backoff come out of it.
 */
export async function runOnce(
  target: Target,
  settings: RunSettings,
  deps: RunDeps,
  runIndex = 0,
): Promise<RunResult> {
  const attempts: Attempt[] = [];
  const deadline = deps.clock() + settings.budgets.totalMs;
  for (let attempt = 1; ; attempt += 1) {
    // Later attempts get what is left of the total budget, every other budget capped by it.
    const left = Math.max(1, Math.round(deadline - deps.clock()));
    const budgets = capBudgets({ ...settings.budgets, totalMs: left });
    const result = await attemptRun(target, { ...settings, budgets }, deps, runIndex);
    const { report } = result;
    attempts.push({
      attempt,
      durationMs: report.durationMs,
      ...(report.error ? { error: report.error } : {}),
    });
    report.attempts = attempts;
    const retryable = report.exitCode === ExitCode.Connection && attempt <= settings.retries;
    if (!retryable || deps.signal?.aborted) return result;
    const failed = `attempt ${attempt} failed (${report.error?.code ?? 'connection'})`;
    const backoff = Math.min(RETRY_BASE_MS * 2 ** (attempt - 1), RETRY_MAX_MS);
    const remaining = Math.round(deadline - deps.clock());
    if (remaining - backoff < MIN_ATTEMPT_MS) {
      deps.warn(`${failed}; no retry: --timeout has ${Math.max(0, remaining)} ms left`);
      return result;
    }
    deps.warn(`${failed}; retrying in ${backoff}ms`);
    await sleep(backoff, deps.signal);
    if (deps.signal?.aborted) return result;
  }
}

async function attemptRun(
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
  const judge = createJudge({
    trigger: trigger.info,
    triggerFrame: trigger.frame,
    checker: target.checker,
    budgets: { firstEventMs: settings.budgets.firstEventMs, totalMs: settings.budgets.totalMs },
    ...(deps.peers ? { peers: deps.peers } : {}),
  });

  let outcome: SessionOutcome & { connectMs: number | null };
  const recorder = settings.record
    ? await createTranscriptWriter(settings.record, {
        redact: deps.redact,
        maxFrameBytes: settings.maxFrameBytes,
      })
    : null;
  deps.peers?.add(trigger.info);
  try {
    const token = await target.tokenFor(userIndex);
    const placed = token
      ? applyToken(target.url, token, settings.placement)
      : { url: target.url, headers: {}, protocols: [] };
    recorder?.writeHeader({
      target: { env: target.env, url: displayUrl },
      trigger: trigger.info,
      triggerFrame: trigger.frame,
      budgets: { firstEventMs: settings.budgets.firstEventMs, totalMs: settings.budgets.totalMs },
      startedAt,
    });
    outcome = await runSession({
      url: placed.url,
      headers: placed.headers,
      protocols: placed.protocols,
      trigger: trigger.frame,
      budgets: settings.budgets,
      maxFrameBytes: settings.maxFrameBytes,
      ...(target.trust.ca === null ? {} : { ca: target.trust.ca }),
      insecure: target.trust.insecure,
      observe: (frame) => judge.observe(frame),
      onFrame: (frame, wire) => {
        recorder?.writeFrame(frame, wire);
        deps.onFrame?.(frame, runIndex);
      },
      clock: deps.clock,
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(deps.connect ? { connect: deps.connect } : {}),
    });
  } catch (error) {
    // A token source that fails to reach its service is a connection or auth failure of this run.
    if (!(error instanceof WsValidateError) || error.exitCode === ExitCode.Usage) {
      await recorder?.close();
      throw error;
    }
    outcome = {
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
  } finally {
    deps.peers?.delete(trigger.info);
  }
  recorder?.writeEnd(outcome);
  await recorder?.close();

  const judgement = judge.finish(outcome);
  if (judgement.error?.code === 'CONNECTION_REFUSED' && settings.envDefaulted) {
    judgement.error.hint = `nothing answers at ${displayUrl} (the default "local" environment); try --env embedded for a first look`;
  }
  const report = buildRunReport(judgement, {
    target: { env: target.env, url: displayUrl },
    trigger: trigger.info,
    startedAt,
    durationMs: deps.clock() - started,
    close: outcome.close,
  });
  return { report, latencies: readLatencies(report, outcome.connectMs) };
}

// A report path that names a folder would fail only after the run: say so before it starts.
async function refuseDirectories(paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    const found = await stat(path).catch(() => null);
    if (found?.isDirectory()) {
      throw new UsageError('REPORT_UNWRITABLE', `--report: ${path} is a directory`, {
        hint: 'give a file path, e.g. reports/ws.xml',
      });
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
