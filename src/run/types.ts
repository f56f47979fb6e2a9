import type { RunLatencies, RunReport } from '../contract/run-report.js';
import type { LoadedProfile } from '../contract/profiles.js';
import type { PeerRuns, TriggerInfo } from '../contract/types.js';
import type { FrameRecord } from '../contract/frames.js';
import type { OpenTunnel } from '../shared/proxy-tunnel.js';
import type { Trust } from '../shared/trust.js';
import type { ConnectFn } from '../session/session.js';
import type { BuiltTrigger } from './trigger.js';

/** What a run needs from its surroundings; injected so tests drive it in-process. */
export interface RunDeps {
  /** Monotonic clock in milliseconds. */
  clock: () => number;
  /** Wall clock, for `startedAt` and token expiry. */
  now: () => Date;
  /** Fresh id generator (uuid v4 by default). */
  newId: () => string;
  /** The environment a token command runs with; this process's when absent. */
  env?: Readonly<Record<string, string | undefined>>;
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
  /** The profiles each run is judged against; the first one's trigger and terminal event drive the session. */
  profiles: LoadedProfile[];
  /** The built-in profiles a run that fails on shape is matched against, loaded on first use. */
  candidates: () => Promise<LoadedProfile[]>;
  /** The certificates wss:// and the E2E token request trust (--ca, --insecure), read once. */
  trust: Trust;
  /** Opens a tunnel through the proxy for each connection; null when the WebSocket goes direct. */
  tunnel: OpenTunnel | null;
  /** Builds a run's trigger with fresh ids (a template file is read once). */
  buildTrigger(userId: string, newId: () => string): BuiltTrigger;
  tokenFor(userIndex: number): Promise<string | null>;
  close(): Promise<void>;
}
