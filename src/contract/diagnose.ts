import { areDeepEqual, asRecord, readString, readType, truncateText } from '../shared/fields.js';
import type { EventRole } from './profile.js';
import { DIAGNOSIS_CODES, type Diagnosis, type DiagnosisCode, type FieldError } from './types.js';
import { type FrameRecord } from './frames.js';

/** How many shape-drift notes, wrapper types and text characters a diagnosis keeps. */
const MAX_DRIFT_NOTES = 3;
const MAX_OUTER_TYPES = 5;
const MAX_SNIPPET = 80;
const MAX_ERROR_TEXT = 300;
/** How FieldError messages introduce what a frame has in place of a missing path. */
const INSTEAD_MARKER = 'frame has';

const CONNECTION_FRAME_TYPES: ReadonlySet<string> = new Set([
  'connection_established',
  'heartbeat',
  'pong',
]);

/** What the recognisers compare frames against. */
export interface DiagnosisContext {
  /** Message type of the trigger; null when unknown (then any ack counts as an ack of the trigger). */
  triggerType: string | null;
  /** The exact trigger sent; undefined when unknown (then echoes are not detected). */
  triggerFrame: unknown;
  /** The role of each event type the profile names. */
  roles: ReadonlyMap<string, EventRole>;
}

/** True when the profile names `type` as one of the run's events (error events are not). */
export function isRunEvent(roles: ReadonlyMap<string, EventRole>, type: string | null): boolean {
  if (type === null) return false;
  const role = roles.get(type);
  return role !== undefined && !role.error;
}

/** Counters and first examples gathered over a run, from which diagnoses are derived; constant size. */
export interface DiagnosisFacts {
  /** The profile judged, named in shape_drift. */
  profileName: string;
  framesReceived: number;
  /** Agent events of this run (or of no identifiable run). */
  agentEvents: number;
  /** Received frames other than connection_established, heartbeat and pong. */
  nonConnectionFrames: number;
  echoes: number;
  triggerAcks: number;
  ackedType: string | null;
  wrapped: { count: number; events: string[]; outerTypes: string[] };
  /** Missing paths of the run's events, the first few notes, and the missing paths of each error list already noted (a checker may hand the same list again). */
  drift: { count: number; notes: string[]; seen: WeakMap<readonly FieldError[], number> };
  clobbered: { count: number; firstType: string | null; firstSeq: number | null };
  /** How often each of the profile's once-only events arrived for this run. */
  onceCounts: Map<string, number>;
  foreign: { count: number; first: string | null };
  /** Events carrying the ids of another live run of this process (or of another user). */
  crossTalk: { count: number; first: string | null };
  serverErrors: { count: number; first: string | null };
  /** Why authentication failed, when it did. */
  auth: string | null;
  invalid: { text: number; binary: number; firstSnippet: string | null };
  /** The session failed to connect or lost the connection (nothing to explain from frames alone). */
  connectionFailed: boolean;
}

/** Fresh, empty facts for one run of a profile with these once-only events. */
export function createDiagnosisFacts(
  profileName = 'canonical',
  once: readonly string[] = [],
): DiagnosisFacts {
  return {
    profileName,
    framesReceived: 0,
    agentEvents: 0,
    nonConnectionFrames: 0,
    echoes: 0,
    triggerAcks: 0,
    ackedType: null,
    wrapped: { count: 0, events: [], outerTypes: [] },
    drift: { count: 0, notes: [], seen: new WeakMap() },
    clobbered: { count: 0, firstType: null, firstSeq: null },
    onceCounts: new Map(once.map((type) => [type, 0])),
    foreign: { count: 0, first: null },
    crossTalk: { count: 0, first: null },
    serverErrors: { count: 0, first: null },
    auth: null,
    invalid: { text: 0, binary: 0, firstSnippet: null },
    connectionFailed: false,
  };
}

/** True for the keep-alive and handshake frames that never count as agent activity. */
export function isConnectionFrame(type: string | null): boolean {
  return type !== null && CONNECTION_FRAME_TYPES.has(type);
}

/** True when a frame came back equal to the trigger; compares deeply only when the types match. */
export function isEchoOf(frame: unknown, triggerFrame: unknown): boolean {
  if (triggerFrame === undefined) return false;
  const type = readType(frame);
  return type !== null && type === readType(triggerFrame) && areDeepEqual(frame, triggerFrame);
}

/** True when a frame is an `ack` of the trigger type (of any type when the trigger type is unknown). */
export function isAckFor(frame: unknown, triggerType: string | null): boolean {
  if (readType(frame) !== 'ack') return false;
  const received = readString(frame, 'received_type');
  return triggerType === null ? received !== null : received === triggerType;
}

/** The run event wrapped in `data.event` under another `type`, or null when the frame is not a wrapper. */
export function readWrappedEvent(
  frame: unknown,
  roles: ReadonlyMap<string, EventRole>,
): { outer: string; event: string } | null {
  const outer = readType(frame);
  if (outer === null || isRunEvent(roles, outer)) return null;
  const event = readString(asRecord(frame)?.data, 'event');
  return event !== null && isRunEvent(roles, event) ? { outer, event } : null;
}

const THINKING = 'agent_thinking';

/** True when a frame looks like agent_thinking (carries `reasoning`) but its `type` says otherwise. */
export function isClobberedThinking(
  frame: unknown,
  roles: ReadonlyMap<string, EventRole>,
): boolean {
  // Only a profile that has agent_thinking can have it clobbered.
  if (!roles.has(THINKING)) return false;
  const type = readType(frame);
  if (type === null || isRunEvent(roles, type) || readWrappedEvent(frame, roles) !== null) {
    return false;
  }
  return (
    readString(frame, 'reasoning') !== null ||
    readString(asRecord(frame)?.data, 'reasoning') !== null
  );
}

/** True for an error frame whose `error_code` (top level or in `data`) is AUTH_FAILED. */
export function isAuthFailure(frame: unknown): boolean {
  const code = readString(frame, 'error_code') ?? readString(asRecord(frame)?.data, 'error_code');
  return code === 'AUTH_FAILED';
}

/** The human text of an error frame (`error_message` or `message`, top level or in `data`), or its type. */
export function readErrorText(frame: unknown): string {
  const data = asRecord(frame)?.data;
  const text =
    readString(frame, 'error_message') ??
    readString(data, 'error_message') ??
    readString(frame, 'message') ??
    readString(data, 'message') ??
    readString(frame, 'error') ??
    readString(data, 'error');
  return truncateText(text ?? '(no error text)', MAX_ERROR_TEXT);
}

/** True when a schema error reports a missing path (as opposed to a wrong value). */
export function isMissingPath(error: FieldError): boolean {
  return (
    /\bmissing\b/i.test(error.message) || error.actual === 'missing' || error.actual === 'undefined'
  );
}

/**
 * Records what one received frame (of `type`, read by the judge) shows about the run (echo, ack,
 * wrapper, clobbering, invalid frame); `runEvent` says the judge knows it is one of the run's events.
 */
export function noteFrame(
  facts: DiagnosisFacts,
  frame: FrameRecord,
  context: DiagnosisContext,
  type: string | null,
  runEvent = false,
): void {
  if (frame.dir !== 'in') return;
  facts.framesReceived += 1;
  if (frame.kind !== 'json') {
    facts.nonConnectionFrames += 1;
    if (frame.kind === 'binary') {
      facts.invalid.binary += 1;
    } else {
      facts.invalid.text += 1;
      facts.invalid.firstSnippet ??= truncateText(frame.text ?? '', MAX_SNIPPET);
    }
    return;
  }
  const data = frame.data;
  // A run event is neither an echo, an ack, a wrapper nor a clobbered type: skip the checks
  // below for the bulk of the stream (unless the trigger itself has an event's name).
  if (runEvent && type !== context.triggerType) {
    facts.nonConnectionFrames += 1;
    return;
  }
  if (!isConnectionFrame(type)) facts.nonConnectionFrames += 1;
  if (type !== context.triggerType && isRunEvent(context.roles, type)) return;
  if (isEchoOf(data, context.triggerFrame)) facts.echoes += 1;
  if (isAckFor(data, context.triggerType)) {
    facts.triggerAcks += 1;
    facts.ackedType ??= readString(data, 'received_type');
  }
  const wrapped = readWrappedEvent(data, context.roles);
  if (wrapped !== null) {
    facts.wrapped.count += 1;
    if (!facts.wrapped.events.includes(wrapped.event)) facts.wrapped.events.push(wrapped.event);
    if (
      facts.wrapped.outerTypes.length < MAX_OUTER_TYPES &&
      !facts.wrapped.outerTypes.includes(wrapped.outer)
    ) {
      facts.wrapped.outerTypes.push(wrapped.outer);
    }
  }
  if (isClobberedThinking(data, context.roles)) {
    facts.clobbered.count += 1;
    facts.clobbered.firstType ??= type;
    facts.clobbered.firstSeq ??= frame.seq;
  }
}

/** Records the missing-path errors of a run event of this run, keeping the first few messages. */
export function noteShapeDrift(
  facts: DiagnosisFacts,
  type: string,
  errors: readonly FieldError[],
): void {
  const { drift } = facts;
  // The same list again (a frame that failed as an earlier one did) changes only the count:
  // its notes are already kept, or were passed over for good.
  const seen = drift.seen.get(errors);
  if (seen !== undefined) {
    drift.count += seen;
    return;
  }
  const { notes } = drift;
  const before = drift.count;
  for (const error of errors) {
    if (!isMissingPath(error)) continue;
    drift.count += 1;
    // The same missing envelope field repeats on every event; once is enough.
    if (notes.some((note) => note.endsWith(`: ${error.message}`))) continue;
    const note = `${type}: ${error.message}`;
    if (notes.length < MAX_DRIFT_NOTES) {
      notes.push(note);
      continue;
    }
    // Notes that say what the frame has instead are the actionable ones; they displace bare ones.
    const bare = notes.findIndex((kept) => !kept.includes(INSTEAD_MARKER));
    if (error.message.includes(INSTEAD_MARKER) && bare !== -1) {
      notes.splice(bare, 1);
      notes.push(note);
    }
  }
  drift.seen.set(errors, drift.count - before);
}

/** Records an agent_error or error_message of this run (not an auth failure). */
export function noteServerError(facts: DiagnosisFacts, type: string, frame: unknown): void {
  facts.serverErrors.count += 1;
  facts.serverErrors.first ??= `${type}: ${readErrorText(frame)}`;
}

/** Records an event of another run. */
export function noteForeignEvent(facts: DiagnosisFacts, description: string): void {
  facts.foreign.count += 1;
  facts.foreign.first ??= description;
}

/** Records an event that carries another live run's thread_id or run_id, or another user's user_id. */
export function noteCrossTalk(facts: DiagnosisFacts, description: string): void {
  facts.crossTalk.count += 1;
  facts.crossTalk.first ??= description;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function recognise(facts: DiagnosisFacts): Partial<Record<DiagnosisCode, string>> {
  const found: Partial<Record<DiagnosisCode, string>> = {};
  const silent = facts.agentEvents === 0;
  if (silent && facts.echoes > 0) {
    found.echo = `The server sent the trigger back unchanged (${plural(facts.echoes, 'time')}) and no agent event: this is an echo or mock server, not the agent backend; check the URL.`;
  }
  if (silent && facts.triggerAcks > 0) {
    found.ack_only = `The server acknowledged the \`${facts.ackedType ?? 'trigger'}\` message (ack) but started no agent: this backend ignores that message type; use a trigger it runs agents for (e.g. start_agent or user_message).`;
  }
  const failedBeforeFrames = facts.connectionFailed && facts.framesReceived === 0;
  if (
    silent &&
    found.echo === undefined &&
    found.ack_only === undefined &&
    facts.nonConnectionFrames === 0 &&
    facts.auth === null &&
    !failedBeforeFrames
  ) {
    found.connection_only =
      facts.framesReceived === 0
        ? 'No frame at all arrived after the trigger: the server accepted the connection but started no agent; check the trigger type and that agents run on this server.'
        : `Only connection frames (connection_established, heartbeat, pong; ${plural(facts.framesReceived, 'frame')}) arrived and no agent event: the trigger started nothing; check the trigger type and that agents run on this server.`;
  }
  if (facts.wrapped.count > 0) {
    found.wrapped_events = `Agent events arrive wrapped: ${facts.wrapped.events.join(', ')} sit in \`data.event\` under \`type\` ${facts.wrapped.outerTypes.join(', ')} (${plural(facts.wrapped.count, 'frame')}); the contract needs each event as its own \`type\` with its details in \`data\`.`;
  }
  if (facts.drift.count > 0) {
    found.shape_drift = `Required events do not have the ${facts.profileName} shape (${plural(facts.drift.count, 'missing path')}): ${facts.drift.notes.join('; ')}.`;
  }
  if (facts.clobbered.count > 0) {
    found.type_clobbered = `Agent thinking arrived as \`"type":"${facts.clobbered.firstType ?? ''}"\` (${plural(facts.clobbered.count, 'frame')}, first at frame #${facts.clobbered.firstSeq ?? 0}) carrying \`reasoning\`: the emitter overwrote the event type; it must stay \`agent_thinking\`.`;
  }
  const duplicates = [...facts.onceCounts]
    .filter(([, count]) => count > 1)
    .map(([type, count]) => `${type} ${count} times`);
  if (duplicates.length > 0) {
    found.duplicate_event = `This run received ${duplicates.join(' and ')}: two emitters are probably sending the same lifecycle events; only one should.`;
  }
  if (facts.foreign.count > 0) {
    found.foreign_events = `${plural(facts.foreign.count, 'event')} of another run arrived (first: ${facts.foreign.first ?? ''}): the server sends other runs' events on this connection, or stamps the wrong thread_id/run_id.`;
  }
  if (facts.crossTalk.count > 0) {
    found.cross_talk = `${plural(facts.crossTalk.count, 'event')} of other live runs of this process arrived on this connection (first: ${facts.crossTalk.first ?? ''}): the server delivers events to the wrong session or user; each connection must receive only its own run's events.`;
  }
  if (facts.serverErrors.count > 0) {
    const more = facts.serverErrors.count > 1 ? ` (${facts.serverErrors.count} error frames)` : '';
    found.server_error = `The server reported an error${more}: ${facts.serverErrors.first ?? ''}`;
  }
  if (facts.auth !== null) found.auth_failed = facts.auth;
  const invalid = facts.invalid.text + facts.invalid.binary;
  if (invalid > 0) {
    const snippet =
      facts.invalid.firstSnippet === null ? '' : `; first text: \`${facts.invalid.firstSnippet}\``;
    found.invalid_frame = `${plural(invalid, 'frame')} ${invalid === 1 ? 'was' : 'were'} not JSON text (${facts.invalid.text} non-JSON text, ${facts.invalid.binary} binary)${snippet}; every message must be one JSON text frame.`;
  }
  return found;
}

/** Every diagnosis the facts support, in DIAGNOSIS_CODES order. */
export function diagnoseRun(facts: DiagnosisFacts): Diagnosis[] {
  const found = recognise(facts);
  return DIAGNOSIS_CODES.flatMap((code) => {
    const message = found[code];
    return message === undefined ? [] : [{ code, message }];
  });
}
