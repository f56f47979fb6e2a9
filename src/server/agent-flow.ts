import { buildAck, GOLDEN_PATH_EVENTS, isRecord } from './messages.js';
import type { ScenarioName } from './scenarios.js';

/** Message types that start a DataHelper run (PROTOCOL.md section 4). */
export const TRIGGER_TYPES = [
  'agent_execution',
  'start_agent',
  'user_message',
  'execute_agent',
  'chat',
  'agent_request',
] as const;

/** Milliseconds between events in the `slow_trickle` scenario. */
export const SLOW_TRICKLE_STEP_MS = 3000;

/** Size in bytes of the `oversized` scenario's text frame (32 MiB). */
export const OVERSIZED_FRAME_BYTES = 32 * 1024 * 1024;

/** Requests shorter than this many characters end in agent_error (PROTOCOL.md section 7). */
export const MIN_REQUEST_LENGTH = 10;

const AGENT_NAME = 'data_helper';
const TOOL_NAME = 'data_helper';
const THINKING_TEXT = 'Analyzing user request to identify data gaps...';
const FINAL_RESPONSE =
  'To close the data gaps I need: monthly token usage per model, your current provider invoices, ' +
  'and the latency target of each workload.';
const TOOL_RESULTS = {
  success: true,
  data_request_generated: true,
  instructions_count: 412,
  structured_items_count: 3,
};

/** True when `type` is one of the trigger message types. */
export function isTriggerType(type: string): boolean {
  return (TRIGGER_TYPES as readonly string[]).includes(type);
}

/** What a trigger frame asks for; ids are null when the client sent none. */
export interface TriggerRequest {
  type: string;
  threadId: string | null;
  runId: string | null;
  message: string;
}

/** Reads the ids and request text from any trigger shape: top-level fields or `payload.*`. */
export function parseTrigger(frame: Record<string, unknown>): TriggerRequest {
  const payload = isRecord(frame.payload) ? frame.payload : {};
  const pick = (...values: unknown[]): string | null => {
    for (const value of values) if (typeof value === 'string' && value.length > 0) return value;
    return null;
  };
  return {
    type: typeof frame.type === 'string' ? frame.type : '',
    threadId: pick(frame.thread_id, payload.thread_id),
    runId: pick(frame.run_id, payload.run_id),
    message:
      pick(
        frame.message,
        payload.user_request,
        payload.text,
        payload.message,
        payload.content,
        frame.user_request,
        frame.text,
        frame.content,
      ) ?? '',
  };
}

/** The identity of one run as the flow emits it. */
export interface RunContext {
  threadId: string;
  runId: string;
  userId: string;
  message: string;
  /** The raw text of the trigger frame, for the echo scenario. */
  triggerText: string;
  triggerType: string;
  /** Makes fresh ids (correlation ids, the foreign run's ids). */
  newId: () => string;
}

/** One thing the flow does after waiting `delayMs` from the previous step. */
export type FlowStep = { delayMs: number } & (
  | { action: 'json'; agentEvent: boolean; build: (nowMs: number) => Record<string, unknown> }
  | { action: 'text'; text: string }
  | { action: 'binary'; data: Buffer }
  | { action: 'oversized'; build: () => Buffer }
  | { action: 'leak'; build: (nowMs: number) => Record<string, unknown> }
  | { action: 'close'; code: number; reason: string }
  | { action: 'drop' }
  | { action: 'heartbeats'; on: boolean }
);

type EventName =
  'agent_started' | 'agent_thinking' | 'tool_executing' | 'tool_completed' | 'agent_completed';

type Builder = (nowMs: number) => Record<string, unknown>;

/** Canonical builders for one run; tool_completed reports the time since tool_executing was built. */
function canonicalBuilders(
  run: RunContext,
): Record<EventName, Builder> & { correlationId: string } {
  const correlationId = `corr_${run.newId()}`;
  let toolStartMs: number | null = null;
  const envelope = (type: string, nowMs: number): Record<string, unknown> => ({
    type,
    timestamp: new Date(nowMs).toISOString(),
    run_id: run.runId,
    thread_id: run.threadId,
  });
  return {
    correlationId,
    agent_started: (nowMs) => ({
      ...envelope('agent_started', nowMs),
      data: { agent_name: AGENT_NAME, status: 'started' },
    }),
    agent_thinking: (nowMs) => ({
      ...envelope('agent_thinking', nowMs),
      data: { reasoning: THINKING_TEXT },
    }),
    tool_executing: (nowMs) => {
      toolStartMs = nowMs;
      return {
        ...envelope('tool_executing', nowMs),
        correlation_id: correlationId,
        data: { tool_name: TOOL_NAME, tool_args: { user_request_length: run.message.length } },
      };
    },
    tool_completed: (nowMs) => ({
      ...envelope('tool_completed', nowMs),
      correlation_id: correlationId,
      data: {
        tool_name: TOOL_NAME,
        results: { ...TOOL_RESULTS },
        execution_time: toolStartMs === null ? 0 : Math.max(0, nowMs - toolStartMs),
      },
    }),
    agent_completed: (nowMs) => ({
      ...envelope('agent_completed', nowMs),
      data: { status: 'completed', final_response: FINAL_RESPONSE },
    }),
  };
}

/** The agent_error frame of PROTOCOL.md section 7 for this run. */
export function buildAgentError(run: RunContext, errorMessage: string, nowMs: number) {
  return {
    type: 'agent_error',
    run_id: run.runId,
    thread_id: run.threadId,
    agent_name: AGENT_NAME,
    timestamp: new Date(nowMs).toISOString(),
    data: {
      status: 'error',
      error_message: errorMessage,
      error_context: {},
      message: `${AGENT_NAME} encountered an issue processing your request`,
    },
  };
}

function bridgeBuilders(run: RunContext): Record<EventName, Builder> {
  let runStartMs: number | null = null;
  let toolStartMs: number | null = null;
  const top = (type: string, nowMs: number): Record<string, unknown> => ({
    type,
    run_id: run.runId,
    user_id: run.userId,
    agent_name: AGENT_NAME,
    timestamp: new Date(nowMs).toISOString(),
  });
  const parameters = {
    user_request_length: run.message.length,
    triage_result_available: true,
    previous_results_count: 1,
  };
  return {
    agent_started: (nowMs) => {
      runStartMs = nowMs;
      return {
        ...top('agent_started', nowMs),
        data: {
          status: 'started',
          context: {},
          message: 'supervisor has started processing your request',
        },
      };
    },
    agent_thinking: (nowMs) => ({
      ...top('agent_thinking', nowMs),
      data: {
        reasoning: THINKING_TEXT,
        step_number: null,
        progress_percentage: null,
        status: 'thinking',
      },
    }),
    tool_executing: (nowMs) => {
      toolStartMs = nowMs;
      return {
        ...top('tool_executing', nowMs),
        tool_name: TOOL_NAME,
        data: {
          parameters,
          status: 'executing',
          message: `${AGENT_NAME} is using ${TOOL_NAME}`,
        },
      };
    },
    tool_completed: (nowMs) => ({
      ...top('tool_completed', nowMs),
      tool_name: TOOL_NAME,
      results: { ...TOOL_RESULTS },
      data: {
        result: { ...TOOL_RESULTS },
        execution_time_ms: toolStartMs === null ? 0 : Math.max(0, nowMs - toolStartMs),
        status: 'completed',
      },
    }),
    agent_completed: (nowMs) => ({
      ...top('agent_completed', nowMs),
      data: {
        status: 'completed',
        result: { report: FINAL_RESPONSE },
        execution_time_ms: runStartMs === null ? 0 : Math.max(0, nowMs - runStartMs),
      },
    }),
  };
}

function flatBuilders(run: RunContext): Record<EventName, Builder> {
  let toolStartMs: number | null = null;
  const base = (type: string, nowMs: number): Record<string, unknown> => ({
    timestamp: nowMs / 1000,
    critical: true,
    type,
  });
  const args = { user_request_length: run.message.length };
  return {
    agent_started: (nowMs) => ({
      ...base('agent_started', nowMs),
      user_id: run.userId,
      thread_id: run.threadId,
      agent_name: AGENT_NAME,
      task_description: 'Generate a data request',
    }),
    // Named correctly: type clobbering is the clobbered_type scenario's one fault, not this one's.
    agent_thinking: (nowMs) => ({
      ...base('agent_thinking', nowMs),
      reasoning: THINKING_TEXT,
      run_id: run.runId,
      thread_id: run.threadId,
    }),
    tool_executing: (nowMs) => {
      toolStartMs = nowMs;
      return {
        ...base('tool_executing', nowMs),
        tool_name: TOOL_NAME,
        tool_args: args,
        parameters: args,
        execution_id: null,
        user_id: run.userId,
        thread_id: run.threadId,
      };
    },
    tool_completed: (nowMs) => {
      const elapsed = toolStartMs === null ? 0 : Math.max(0, nowMs - toolStartMs);
      return {
        ...base('tool_completed', nowMs),
        tool_name: TOOL_NAME,
        results: { ...TOOL_RESULTS },
        execution_time: elapsed,
        duration: elapsed,
        execution_id: null,
        success: true,
        user_id: null,
        thread_id: run.threadId,
      };
    },
    agent_completed: (nowMs) => ({
      ...base('agent_completed', nowMs),
      status: 'completed',
      final_response: FINAL_RESPONSE,
      user_id: run.userId,
      thread_id: run.threadId,
    }),
  };
}

function wrappedBuilders(run: RunContext): Record<EventName, Builder> {
  const outer = (type: string, data: Record<string, unknown>, nowMs: number) => ({
    type,
    data,
    timestamp: nowMs / 1000,
    server_id: null,
    correlation_id: null,
  });
  return {
    agent_started: (nowMs) =>
      outer(
        'system_message',
        {
          event: 'agent_started',
          type: 'agent_started',
          status: 'Agent execution started',
          user_id: run.userId,
          turn_id: `turn_${run.runId}`,
        },
        nowMs,
      ),
    agent_thinking: (nowMs) =>
      outer(
        'agent_progress',
        { event: 'agent_thinking', type: 'agent_thinking', message: THINKING_TEXT },
        nowMs,
      ),
    tool_executing: (nowMs) =>
      outer(
        'agent_progress',
        {
          event: 'tool_executing',
          type: 'tool_executing',
          payload: {
            tool_name: TOOL_NAME,
            agent_name: AGENT_NAME,
            parameters: { user_request_length: run.message.length },
            estimated_duration_ms: 500,
          },
        },
        nowMs,
      ),
    tool_completed: (nowMs) =>
      outer(
        'agent_progress',
        {
          event: 'tool_completed',
          type: 'tool_completed',
          payload: { result: { ...TOOL_RESULTS }, duration_ms: 480, success: true },
        },
        nowMs,
      ),
    agent_completed: (nowMs) =>
      outer(
        'agent_response_complete',
        { event: 'agent_completed', type: 'agent_completed', response: FINAL_RESPONSE },
        nowMs,
      ),
  };
}

const EVENT_ORDER: readonly EventName[] = GOLDEN_PATH_EVENTS;

/** Fills a JSON text frame of exactly `bytes` bytes without building a 32 MiB string. */
export function buildOversizedFrame(run: RunContext, bytes: number): Buffer {
  const head = Buffer.from(
    JSON.stringify({ type: 'partial_result', run_id: run.runId, thread_id: run.threadId }).slice(
      0,
      -1,
    ) + ',"data":{"padding":"',
  );
  const tail = Buffer.from('"}}');
  const frame = Buffer.alloc(Math.max(bytes, head.length + tail.length), 'x');
  head.copy(frame, 0);
  tail.copy(frame, frame.length - tail.length);
  return frame;
}

/** The steps a connection plays for one trigger under `scenario`, with `stepDelayMs` between events. */
export function buildRunFlow(
  scenario: ScenarioName,
  run: RunContext,
  stepDelayMs: number,
): FlowStep[] {
  const d = stepDelayMs;
  const event = (build: Builder, delayMs = d): FlowStep => ({
    delayMs,
    action: 'json',
    agentEvent: true,
    build,
  });

  if (scenario === 'echo') return [{ delayMs: 0, action: 'text', text: run.triggerText }];
  if (scenario === 'ack_only') {
    return [
      {
        delayMs: 0,
        action: 'json',
        agentEvent: false,
        build: (nowMs) => buildAck(run.triggerType, run.userId, nowMs),
      },
      { delayMs: 0, action: 'heartbeats', on: true },
    ];
  }

  const c = canonicalBuilders(run);
  if (run.message.trim().length < MIN_REQUEST_LENGTH) {
    return [
      event(c.agent_started),
      event((nowMs) =>
        buildAgentError(
          run,
          'Data helper error: Insufficient user request for data analysis',
          nowMs,
        ),
      ),
    ];
  }

  const all = (builders: Record<EventName, Builder>) => EVENT_ORDER.map((n) => event(builders[n]));
  const insertAfterThinking = (extra: FlowStep): FlowStep[] => {
    const steps = all(c);
    steps.splice(2, 0, extra);
    return steps;
  };

  switch (scenario) {
    case 'happy':
      return all(c);
    case 'missing_agent_started':
    case 'missing_agent_thinking':
    case 'missing_tool_executing':
    case 'missing_tool_completed':
      return EVENT_ORDER.filter((n) => `missing_${n}` !== scenario).map((n) => event(c[n]));
    case 'missing_agent_completed':
      return [
        ...EVENT_ORDER.filter((n) => n !== 'agent_completed').map((n) => event(c[n])),
        { delayMs: d, action: 'close', code: 1000, reason: 'run finished' },
      ];
    case 'schema_violation':
      return EVENT_ORDER.map((n) =>
        n === 'tool_completed'
          ? event((nowMs) => {
              const frame = c.tool_completed(nowMs);
              const { execution_time: _dropped, ...data } = frame.data as Record<string, unknown>;
              return { ...frame, data };
            })
          : event(c[n]),
      );
    case 'bridge_shape':
      return all(bridgeBuilders(run));
    case 'flat_shape':
      return all(flatBuilders(run));
    case 'wrapped':
      return all(wrappedBuilders(run));
    case 'clobbered_type':
      return EVENT_ORDER.map((n) =>
        n === 'agent_thinking'
          ? event((nowMs) => ({ ...c.agent_thinking(nowMs), type: 'reasoning' }))
          : event(c[n]),
      );
    case 'duplicate_completed':
      return [...all(c), event(c.agent_completed, 0)];
    case 'out_of_order':
      return [
        event(c.agent_thinking),
        event(c.agent_started),
        event(c.tool_executing),
        event(c.tool_completed),
        event(c.agent_completed),
      ];
    case 'unpaired_tool': {
      const strayId = `corr_${run.newId()}`;
      return EVENT_ORDER.map((n) =>
        n === 'tool_completed'
          ? event((nowMs) => ({ ...c.tool_completed(nowMs), correlation_id: strayId }))
          : event(c[n]),
      );
    }
    case 'foreign_run': {
      const foreign = canonicalBuilders({
        ...run,
        threadId: `thread_${run.newId()}`,
        runId: `run_${run.newId()}`,
      });
      return insertAfterThinking(event(foreign.agent_thinking, 0));
    }
    case 'stall':
      return [event(c.agent_started), { delayMs: 0, action: 'heartbeats', on: true }];
    case 'drop':
      return [event(c.agent_started), event(c.agent_thinking), { delayMs: d, action: 'drop' }];
    case 'server_error':
      return [
        event(c.agent_started),
        { delayMs: d, action: 'close', code: 1011, reason: 'internal server error' },
      ];
    case 'non_json':
      return insertAfterThinking({
        delayMs: 0,
        action: 'text',
        text: `agent progress: ${run.runId} 50% (not JSON)`,
      });
    case 'binary':
      return insertAfterThinking({
        delayMs: 0,
        action: 'binary',
        data: Buffer.from([0x82, 0xa4, 0x74, 0x79, 0x70, 0x65, 0xa8, 0x70, 0x72, 0x6f, 0x67, 0x72]),
      });
    case 'oversized':
      return insertAfterThinking({
        delayMs: 0,
        action: 'oversized',
        build: () => buildOversizedFrame(run, OVERSIZED_FRAME_BYTES),
      });
    case 'slow_trickle':
      return [
        { delayMs: 0, action: 'heartbeats', on: true },
        ...EVENT_ORDER.map((n, i) => event(c[n], i === 0 ? d : SLOW_TRICKLE_STEP_MS)),
        { delayMs: 0, action: 'heartbeats', on: false },
      ];
    case 'agent_error':
      return [
        event(c.agent_started),
        event(c.agent_thinking),
        event((nowMs) =>
          buildAgentError(run, 'Data helper error: LLM request failed after 3 attempts', nowMs),
        ),
      ];
    case 'cross_talk': {
      const steps = all(c);
      // The leak goes out at the same moment as this run's own agent_thinking.
      steps.splice(2, 0, {
        delayMs: 0,
        action: 'leak',
        build: (nowMs) => ({ ...c.agent_thinking(nowMs), user_id: run.userId }),
      });
      return steps;
    }
    case 'http_401':
    case 'auth_fail':
      // These scenarios never reach a trigger; a run is played as happy if one somehow does.
      return all(c);
  }
}
