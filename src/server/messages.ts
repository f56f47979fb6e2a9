import type WebSocket from 'ws';

/** The five events every agent run must emit, as listed in connection_established. */
export const GOLDEN_PATH_EVENTS = [
  'agent_started',
  'agent_thinking',
  'tool_executing',
  'tool_completed',
  'agent_completed',
] as const;

/** Epoch seconds (with milliseconds as the fraction) for a time in epoch milliseconds. */
export function toEpochSeconds(nowMs: number): number {
  return nowMs / 1000;
}

/** The frame sent right after a successful authentication. */
export function buildConnectionEstablished(
  userId: string,
  connectionId: string,
  nowMs: number,
): Record<string, unknown> {
  return {
    type: 'connection_established',
    data: {
      mode: 'main',
      user_id: userId,
      connection_id: connectionId,
      golden_path_events: [...GOLDEN_PATH_EVENTS],
    },
    timestamp: toEpochSeconds(nowMs),
  };
}

/** The answer to a client `ping`. */
export function buildPong(userId: string, nowMs: number): Record<string, unknown> {
  const timestamp = toEpochSeconds(nowMs);
  return {
    type: 'pong',
    data: { timestamp, user_id: userId },
    timestamp,
    server_id: null,
    correlation_id: null,
  };
}

/** The acknowledgement every message type without a handler gets. */
export function buildAck(
  receivedType: string,
  userId: string,
  nowMs: number,
): Record<string, unknown> {
  return {
    type: 'ack',
    received_type: receivedType,
    timestamp: toEpochSeconds(nowMs),
    user_id: userId,
    status: 'acknowledged',
  };
}

/** Counters reported in heartbeat frames. */
export interface HeartbeatStats {
  messages_processed: number;
  agent_events_processed: number;
}

/** A keep-alive frame sent during silence. */
export function buildHeartbeat(
  connectionId: string,
  stats: HeartbeatStats,
  nowMs: number,
): Record<string, unknown> {
  return {
    type: 'heartbeat',
    data: {
      connection_id: connectionId,
      timestamp: new Date(nowMs).toISOString(),
      stats: { ...stats },
    },
    timestamp: toEpochSeconds(nowMs),
    server_id: null,
    correlation_id: null,
  };
}

/** An `error_message` frame with a stable `error_code`. */
export function buildErrorMessage(
  errorCode: string,
  message: string,
  nowMs: number,
): Record<string, unknown> {
  return {
    type: 'error_message',
    error_code: errorCode,
    error_message: message,
    details: {},
    timestamp: toEpochSeconds(nowMs),
    recovery_suggestions: null,
  };
}

/** The AUTH_FAILED frame sent before closing 1008; `reason` never contains the token. */
export function buildAuthFailed(reason: string, nowMs: number): Record<string, unknown> {
  return buildErrorMessage(
    'AUTH_FAILED',
    `WebSocket authentication failed. Supported formats: jwt.TOKEN, jwt-auth.TOKEN, bearer.TOKEN. Error: ${reason}`,
    nowMs,
  );
}

/** True for a JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The bytes of a received message, whatever form ws gives them in. */
export function rawToBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
