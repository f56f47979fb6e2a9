import { readString, truncateText } from '../shared/fields.js';
import type { EventRole } from './profile.js';
import { DIAGNOSIS_CODES, type Diagnosis, type DiagnosisCode, type FieldError } from './types.js';
import { type FrameRecord } from './frames.js';
import {
  findEcho,
  isAckFor,
  isClobberedThinking,
  isConnectionFrame,
  readErrorText,
  readWrappedEvent,
  type SentTrigger,
} from './frame-signs.js';
import { createHandshakeFacts, diagnoseHandshake, type HandshakeFacts } from './handshake-facts.js';

/** How many shape-drift notes, wrapper types and text characters a diagnosis keeps. */
const MAX_DRIFT_NOTES = 3;
const MAX_OUTER_TYPES = 5;
const MAX_SNIPPET = 80;
/** How FieldError messages introduce what a frame has in place of a missing path. */
const INSTEAD_MARKER = 'frame has';

/** What the recognisers compare frames against. */
export interface DiagnosisContext {
  /** Message type of the trigger; null when unknown (then any ack counts as an ack of the trigger). */
  triggerType: string | null;
  /** The trigger last sent; undefined when unknown (then echoes are not detected). */
  trigger: SentTrigger | undefined;
  /** The role of each event type the profile names. */
  roles: ReadonlyMap<string, EventRole>;
}

/** The context for a trigger frame as sent (undefined when unknown). */
export function createDiagnosisContext(
  triggerType: string | null,
  triggerFrame: unknown,
  roles: ReadonlyMap<string, EventRole>,
): DiagnosisContext {
  return { triggerType, trigger: sentTrigger(triggerFrame), roles };
}

/** A trigger as the echo check compares with it; undefined for an unknown trigger. */
export function sentTrigger(frame: unknown): SentTrigger | undefined {
  return frame === undefined || frame === null
    ? undefined
    : { frame, text: JSON.stringify(frame) ?? '' };
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
  /** Frames that carried the trigger back, and where the first one did (see `findEcho`). */
  echo: {
    count: number;
    field: string | null;
    frameType: string | null;
    triggerType: string | null;
  };
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
  /** Error events of this run; `early` when the first came before any agent event. */
  serverErrors: { count: number; first: string | null; early: boolean };
  /** Why authentication failed, when it did. */
  auth: string | null;
  /** Frames that were not JSON text: text that is not JSON, text that is not UTF-8, binary. */
  invalid: { text: number; notUtf8: number; binary: number; firstSnippet: string | null };
  handshake: HandshakeFacts;
  /** The server closed 1008 over a request sent before its handshake was complete (set at the end). */
  handshakeRefused: boolean;
  /** The session failed to connect or lost the connection (nothing to explain from frames alone). */
  connectionFailed: boolean;
  /** A trigger went out (seen as a sent frame). */
  triggerSent: boolean;
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
    echo: { count: 0, field: null, frameType: null, triggerType: null },
    triggerAcks: 0,
    ackedType: null,
    wrapped: { count: 0, events: [], outerTypes: [] },
    drift: { count: 0, notes: [], seen: new WeakMap() },
    clobbered: { count: 0, firstType: null, firstSeq: null },
    onceCounts: new Map(once.map((type) => [type, 0])),
    foreign: { count: 0, first: null },
    crossTalk: { count: 0, first: null },
    serverErrors: { count: 0, first: null, early: false },
    auth: null,
    invalid: { text: 0, notUtf8: 0, binary: 0, firstSnippet: null },
    handshake: createHandshakeFacts(),
    handshakeRefused: false,
    connectionFailed: false,
    triggerSent: false,
  };
}

/** True when a schema error reports a missing path (as opposed to a wrong value). */
export function isMissingPath(error: FieldError): boolean {
  return (
    /\bmissing\b/i.test(error.message) || error.actual === 'missing' || error.actual === 'undefined'
  );
}

/**
 * Records what one received frame (of `type`, read by the judge) shows about the run (echo, ack,
 * wrapper, clobbering, invalid frame); `role` is its role in `context.roles`, undefined when it has none.
 */
export function noteFrame(
  facts: DiagnosisFacts,
  frame: FrameRecord,
  context: DiagnosisContext,
  type: string | null,
  role: EventRole | undefined,
): void {
  if (frame.dir !== 'in') return;
  facts.framesReceived += 1;
  if (frame.kind !== 'json') {
    facts.nonConnectionFrames += 1;
    if (frame.kind === 'binary') {
      facts.invalid.binary += 1;
    } else {
      if (frame.notUtf8 === true) facts.invalid.notUtf8 += 1;
      else facts.invalid.text += 1;
      facts.invalid.firstSnippet ??= truncateText(frame.text ?? '', MAX_SNIPPET);
    }
    return;
  }
  const data = frame.data;
  // A run event is neither an echo, an ack, a wrapper nor a clobbered type: skip the checks
  // below for the bulk of the stream (unless the trigger itself has an event's name).
  if (role !== undefined && !role.error && type !== context.triggerType) {
    facts.nonConnectionFrames += 1;
    return;
  }
  if (!isConnectionFrame(type)) facts.nonConnectionFrames += 1;
  const ack = isAckFor(data, context.triggerType);
  if (ack) {
    facts.triggerAcks += 1;
    facts.ackedType ??= readString(data, 'received_type');
  }
  // An ack or an error that quotes the request is answering it, not echoing it.
  const echo = ack || role?.error === true ? null : findEcho(data, context.trigger);
  if (echo !== null) {
    facts.echo.count += 1;
    if (facts.echo.count === 1) {
      facts.echo.field = echo;
      facts.echo.frameType = type;
      facts.echo.triggerType = context.triggerType;
    }
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

/** Records an error event of this run (agent_error, error_message, error; not an auth failure). */
export function noteServerError(facts: DiagnosisFacts, type: string, frame: unknown): void {
  facts.serverErrors.count += 1;
  if (facts.serverErrors.first !== null) return;
  facts.serverErrors.first = `${type}: ${readErrorText(frame)}`;
  facts.serverErrors.early = facts.agentEvents === 0;
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

/** Where the trigger came back, e.g. "unchanged" or "in the `original_message` field of `echo` frames". */
function describeEcho(echo: DiagnosisFacts['echo']): string {
  if (echo.field === null || echo.field === '') return 'unchanged';
  const frames = echo.frameType === null ? 'frames' : `\`${echo.frameType}\` frames`;
  return `in the \`${echo.field}\` field of ${frames}`;
}

function recognise(facts: DiagnosisFacts): Partial<Record<DiagnosisCode, string>> {
  const found: Partial<Record<DiagnosisCode, string>> = {};
  const silent = facts.agentEvents === 0;
  found.handshake_required = diagnoseHandshake(facts.handshake, facts.handshakeRefused, silent);
  if (silent && facts.echo.count > 0) {
    found.echo = `The server sent the trigger back ${describeEcho(facts.echo)} (${plural(facts.echo.count, 'time')}) and no agent event: this is an echo or mock server, or one with no handler for \`${facts.echo.triggerType ?? 'trigger'}\` messages; check the URL, and the trigger type (--trigger).`;
  }
  // Without its handshake such a server acks or ignores the trigger: the handshake says why.
  const explained = found.handshake_required !== undefined;
  if (silent && facts.triggerAcks > 0 && !explained) {
    found.ack_only = `The server acknowledged the \`${facts.ackedType ?? 'trigger'}\` message (ack) but started no agent: this backend ignores that message type; use a trigger it runs agents for (e.g. start_agent or user_message).`;
  }
  // A session that failed before any frame, or before its trigger went out, has no silence to explain.
  const failedEarly = facts.connectionFailed && (facts.framesReceived === 0 || !facts.triggerSent);
  if (
    silent &&
    found.echo === undefined &&
    found.ack_only === undefined &&
    !explained &&
    facts.nonConnectionFrames === 0 &&
    facts.auth === null &&
    !failedEarly
  ) {
    found.connection_only =
      facts.framesReceived === 0
        ? 'No frame at all arrived after the trigger: the server accepted the connection but started no agent; check the trigger type and that agents run on this server.'
        : `Only connection frames (connection_established, heartbeat, pong, handshake; ${plural(facts.framesReceived, 'frame')}) arrived and no agent event: the trigger started nothing; check the trigger type and that agents run on this server.`;
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
  const errors = facts.serverErrors;
  if (errors.count > 0) {
    const more = errors.count > 1 ? ` (${errors.count} error frames)` : '';
    found.server_error = errors.early
      ? `The server answered with an error before any agent event${more}: ${errors.first ?? ''} — it refused the request; check that the trigger's type and fields are ones this server reads (--trigger).`
      : `The server reported an error${more}: ${errors.first ?? ''}`;
  }
  if (facts.auth !== null) found.auth_failed = facts.auth;
  found.invalid_frame = describeInvalid(facts.invalid);
  return found;
}

function describeInvalid(invalid: DiagnosisFacts['invalid']): string | undefined {
  const count = invalid.text + invalid.notUtf8 + invalid.binary;
  if (count === 0) return undefined;
  const kinds = [
    ...(invalid.notUtf8 > 0
      ? [`${invalid.notUtf8} text not valid UTF-8 (its bad bytes shown as \ufffd)`]
      : []),
    ...(invalid.text > 0 ? [`${invalid.text} non-JSON text`] : []),
    ...(invalid.binary > 0 ? [`${invalid.binary} binary`] : []),
  ];
  const snippet = invalid.firstSnippet === null ? '' : `; first text: \`${invalid.firstSnippet}\``;
  return `${plural(count, 'frame')} ${count === 1 ? 'was' : 'were'} not JSON text (${kinds.join(', ')})${snippet}; every message must be one JSON text frame, in UTF-8.`;
}

/** Every diagnosis the facts support, in DIAGNOSIS_CODES order. */
export function diagnoseRun(facts: DiagnosisFacts): Diagnosis[] {
  const found = recognise(facts);
  return DIAGNOSIS_CODES.flatMap((code) => {
    const message = found[code];
    return message === undefined ? [] : [{ code, message }];
  });
}
