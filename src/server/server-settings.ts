import type { AgUiScenarioName } from './ag-ui/scenarios.js';
import {
  isScenarioOf,
  SERVER_PROTOCOLS,
  type ScenarioName,
  type ServerProtocol,
} from './scenarios.js';

/** Settings of the embedded reference agent server. */
export interface ReferenceServerOptions {
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /** TCP port; default 0 (ephemeral). */
  port?: number;
  /** WebSocket path; default `/ws`. `/api/v1/websocket` is always an alias. */
  path?: string;
  /** The protocol spoken: `netra` (docs/protocol.md, the default) or `ag-ui`. */
  protocol?: ServerProtocol;
  /** Scenario for every connection; default `happy`. A connection's `?scenario=NAME` overrides it. */
  scenario?: ScenarioName | AgUiScenarioName;
  /** HS256 secret that tokens are verified with. */
  jwtSecret: string;
  /** Milliseconds between flow steps; default 200 (about 1 s per run); 0 sends without delay. */
  stepDelayMs?: number;
  /** Milliseconds between heartbeats in the scenarios that idle; default 1000. */
  heartbeatMs?: number;
  /** Send handshake_response after connection_established and run agents once it is acknowledged. */
  handshake?: boolean;
  /** Largest frame accepted from a client, in bytes; a larger one closes it with 1009. Default 1 MiB. */
  maxFrameBytes?: number;
  /** Bytes a client may leave unread before the server waits for it (sends and reads nothing); default 1 MiB. */
  maxUnreadBytes?: number;
  /** Milliseconds a client over `maxUnreadBytes` may read nothing before it is dropped; default 10000. */
  unreadTimeoutMs?: number;
  /** Runs one connection may have going at once; default 4. */
  maxRunsPerConnection?: number;
  /** Receives one line per connection event, control characters escaped; tokens are never logged. */
  log?: (line: string) => void;
}

/** The options with their defaults, checked. */
export interface ServerSettings {
  host: string;
  port: number;
  path: string;
  protocol: ServerProtocol;
  scenario: string;
  jwtSecret: string;
  stepDelayMs: number;
  heartbeatMs: number;
  handshake: boolean;
  maxFrameBytes: number;
  maxUnreadBytes: number;
  unreadTimeoutMs: number;
  maxRunsInFlight: number;
}

const MiB = 1024 * 1024;

/** Applies the defaults to `options` and throws on a value the server cannot run with. */
export function resolveServerSettings(options: ReferenceServerOptions): ServerSettings {
  const protocol = options.protocol ?? 'netra';
  if (!SERVER_PROTOCOLS.includes(protocol)) {
    throw new TypeError(`unknown protocol "${String(protocol)}"`);
  }
  const settings: ServerSettings = {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    path: options.path ?? '/ws',
    protocol,
    scenario: options.scenario ?? 'happy',
    jwtSecret: options.jwtSecret,
    stepDelayMs: options.stepDelayMs ?? 200,
    heartbeatMs: options.heartbeatMs ?? 1000,
    handshake: options.handshake === true,
    // Triggers are small: a client sending more than this misbehaves.
    maxFrameBytes: options.maxFrameBytes ?? MiB,
    maxUnreadBytes: options.maxUnreadBytes ?? MiB,
    unreadTimeoutMs: options.unreadTimeoutMs ?? 10_000,
    maxRunsInFlight: options.maxRunsPerConnection ?? 4,
  };
  if (typeof settings.jwtSecret !== 'string' || settings.jwtSecret.length === 0) {
    throw new TypeError('jwtSecret must be a non-empty string');
  }
  if (!isScenarioOf(protocol, settings.scenario)) {
    throw new TypeError(`unknown scenario "${settings.scenario}" for protocol ${protocol}`);
  }
  if (!Number.isFinite(settings.stepDelayMs) || settings.stepDelayMs < 0) {
    throw new RangeError('stepDelayMs must be a number >= 0');
  }
  if (!Number.isFinite(settings.heartbeatMs) || settings.heartbeatMs <= 0) {
    throw new RangeError('heartbeatMs must be a number > 0');
  }
  const { maxFrameBytes, maxUnreadBytes, unreadTimeoutMs, maxRunsInFlight } = settings;
  const limits = { maxFrameBytes, maxUnreadBytes, unreadTimeoutMs, maxRunsInFlight };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be >= 1`);
  }
  return settings;
}
