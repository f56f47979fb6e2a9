// What one frame shows on its own: an echo of the trigger, an ack, a wrapped or clobbered event,
// an auth failure, an error's text, a step of the server's handshake. The diagnoses are made of these.
import { areDeepEqual, asRecord, readString, readType, truncateText } from '../shared/fields.js';
import { NO_ROLE, type EventRole } from './profile.js';

const MAX_ERROR_TEXT = 300;

// Keep-alive and handshake frames: infrastructure, never agent activity.
const CONNECTION_FRAME_TYPES: ReadonlySet<string> = new Set([
  'connection_established',
  'heartbeat',
  'pong',
  'handshake_response',
  'handshake_complete',
]);

/**
 * The type of the plain error frames servers answer a request they refuse with, e.g.
 * `{"type":"error","message":"Empty message content"}`: an error event under every profile.
 */
const ERROR_FRAME_TYPE = 'error';

const ERROR_FRAME_ROLE: EventRole = Object.freeze({ ...NO_ROLE, error: true });

/** The role of a frame type: the profile's, else an error event's for `error`, else none. */
export function roleOf(roles: ReadonlyMap<string, EventRole>, type: string): EventRole | undefined {
  return roles.get(type) ?? (type === ERROR_FRAME_TYPE ? ERROR_FRAME_ROLE : undefined);
}

/** True when the profile names `type` as one of the run's events (error events are not). */
export function isRunEvent(roles: ReadonlyMap<string, EventRole>, type: string | null): boolean {
  if (type === null) return false;
  const role = roles.get(type);
  return role !== undefined && !role.error;
}

/** True for the keep-alive and handshake frames that never count as agent activity. */
export function isConnectionFrame(type: string | null): boolean {
  return type !== null && CONNECTION_FRAME_TYPES.has(type);
}

/** The trigger a frame may echo: as sent, and its JSON text. */
export interface SentTrigger {
  frame: unknown;
  text: string;
}

// Where an echo server may tuck the trigger: a top-level field, or one of these objects' fields.
const ECHO_CONTAINERS = ['data', 'payload'] as const;

function carriesTrigger(value: unknown, trigger: SentTrigger): boolean {
  if (typeof value === 'string') return value === trigger.text;
  return readType(value) === readType(trigger.frame) && areDeepEqual(value, trigger.frame);
}

/**
 * Where a frame carries the trigger back: `''` when it is the trigger itself, else the field that
 * holds it (as an object or as its JSON text), e.g. `original_message` of
 * `{"type":"echo","original_message":<the trigger>}`; null when it does not.
 */
export function findEcho(frame: unknown, trigger: SentTrigger | undefined): string | null {
  if (trigger === undefined) return null;
  const record = asRecord(frame);
  if (record === null) return null;
  if (carriesTrigger(frame, trigger)) return '';
  for (const [key, value] of Object.entries(record)) {
    if (key !== 'type' && carriesTrigger(value, trigger)) return key;
  }
  for (const container of ECHO_CONTAINERS) {
    const inner = Object.hasOwn(record, container) ? asRecord(record[container]) : null;
    if (inner === null) continue;
    for (const [key, value] of Object.entries(inner)) {
      if (carriesTrigger(value, trigger)) return `${container}.${key}`;
    }
  }
  return null;
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
