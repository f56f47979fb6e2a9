import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fetchToken, isPerUser } from '../auth/sources.js';
import { ExitCode, UsageError } from '../shared/errors.js';
import type { Attempt } from '../contract/run-report.js';
import { loadTrust } from '../shared/trust.js';
import { loadProfiles, selectProfilesOrDefault } from '../contract/profiles.js';
import { isSecretHeaderName, urlCredentials } from '../shared/redact.js';
import { prepareTunnels, type OpenTunnel, type ProxyRoute } from '../shared/proxy-tunnel.js';
import type { Trust } from '../shared/trust.js';
import { capBudgets, type RunSettings } from '../settings/resolve.js';
import { attemptRun, userName } from './attempt.js';
import { startEmbeddedServer } from './embedded.js';
import { buildRunTrigger, templateWarnings, type BuiltTrigger } from './trigger.js';
import { chooseTrigger } from './trigger-source.js';
import { builtInCandidates } from './shape-match.js';
import type { RunDeps, RunResult, Target } from './types.js';

/** Loads the schemas, starts the embedded server when asked, and prepares token minting. */
export async function openTarget(settings: RunSettings, deps: RunDeps): Promise<Target> {
  await refuseDirectories(settings.reports.map((r) => r.path));
  await refuseSharedFiles([...settings.reports.map((r) => r.path), settings.record ?? []].flat());
  const profiles = await loadProfiles(selectProfilesOrDefault(settings.profiles), {
    ...(settings.schemasDir === null ? {} : { schemasDir: settings.schemasDir }),
  });
  const trust = await loadTrust(settings.tls);
  const trigger = await chooseTrigger(settings.trigger, settings.triggerSource, profiles[0]);
  const buildTrigger = (userId: string, newId: () => string): BuiltTrigger =>
    buildRunTrigger(trigger, settings, userId, newId);
  // A broken template is a usage error before anything starts or connects (or is warned about).
  buildTrigger(settings.user, () => 'id');
  // A template file of the user's; a profile's trigger is the profile's own to get right.
  if (trigger.kind === 'template' && trigger.requireType) {
    templateWarnings(trigger.text, trigger.source).forEach((w) => deps.warn(w));
  }
  for (const [name, value] of Object.entries(settings.headers)) {
    if (isSecretHeaderName(name)) deps.addSecret(value);
  }
  const tunnel = await tunnelsFor(settings.proxy.ws, trust, deps);
  const authTunnel = await tunnelsFor(settings.proxy.auth, trust, deps);
  if (settings.tls.insecure) {
    deps.warn(
      '--insecure: the server certificate is not verified; do not use this against production',
    );
  }
  let url = settings.url;
  let source = settings.token;
  let close = (): Promise<void> => Promise.resolve();
  if (settings.embedded) {
    const first = profiles[0];
    if (first === undefined) throw new Error('a run needs at least one profile');
    const server = await startEmbeddedServer(first, settings.scenario, (s) => deps.addSecret(s));
    url = server.url;
    source = { kind: 'mint', secret: server.secret, origin: 'the embedded server' };
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
        ...(deps.env ? { env: deps.env } : {}),
        now: deps.now,
        warn: (line) => deps.warn(line),
        addSecret: (secret) => deps.addSecret(secret),
        trust,
        ...(authTunnel ? { authTunnel } : {}),
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      tokens.set(key, token);
      // A failed fetch is not kept: a retry or a later run asks again.
      token.catch(() => tokens.delete(key));
    }
    return token;
  };
  return {
    env: settings.env,
    url,
    profiles,
    candidates: builtInCandidates(),
    trust,
    tunnel,
    buildTrigger,
    tokenFor,
    close,
  };
}

// The proxy agent is loaded only for a run that goes through a proxy; its credentials are secrets.
async function tunnelsFor(
  route: ProxyRoute | null,
  trust: Trust,
  deps: RunDeps,
): Promise<OpenTunnel | null> {
  if (route === null) return null;
  urlCredentials(route.url).forEach((secret) => deps.addSecret(secret));
  return prepareTunnels(route, trust);
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

// Two outputs may name one file through a symlink, which the settings' comparison cannot see.
async function refuseSharedFiles(paths: readonly string[]): Promise<void> {
  const real = await Promise.all(paths.map(realTarget));
  const twice = paths.find((_path, i) => real.indexOf(real[i] ?? '') !== i);
  if (twice !== undefined) {
    throw new UsageError('OUTPUT_TWICE', `${twice} is given to more than one --report/--record`, {
      hint: 'give each report and the recording a file of its own (these lead to the same file)',
    });
  }
}

// Where a path really leads: the file's own real path, or its folder's for a file not made yet.
async function realTarget(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return realpath(dirname(path)).then(
      (dir) => join(dir, basename(path)),
      () => resolve(path),
    );
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
