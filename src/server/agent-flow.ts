import { buildAck, GOLDEN_PATH_EVENTS } from './messages.js';
import type { ScenarioName } from './scenarios.js';
import { bridgeBuilders } from './shapes/bridge.js';
import { buildAgentError, canonicalBuilders } from './shapes/canonical.js';
import type { FlowStep } from './flow-player.js';
import type { EventBuilder, EventBuilders, EventName, RunContext } from './shapes/data-helper.js';
import { flatBuilders } from './shapes/flat.js';
import { frontendBuilders } from './shapes/frontend.js';
import { suiteFlatBuilders } from './shapes/suite-flat.js';
import { testFrameworkBuilders } from './shapes/test-framework.js';
import { wrappedBuilders } from './shapes/wrapped.js';

/** Milliseconds between events in the `slow_trickle` scenario. */
export const SLOW_TRICKLE_STEP_MS = 3000;

/** Size in bytes of the `oversized` scenario's text frame (32 MiB). */
export const OVERSIZED_FRAME_BYTES = 32 * 1024 * 1024;

/** Milliseconds between the events of the `test_server` scenario's chat (docs/protocol.md section 9). */
export const TEST_FRAMEWORK_STEP_MS = 100;

/** Requests shorter than this many characters end in agent_error (docs/protocol.md section 7). */
export const MIN_REQUEST_LENGTH = 10;

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
  const event = (build: EventBuilder, delayMs = d): FlowStep => ({
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

  if (scenario === 'test_server') {
    const t = testFrameworkBuilders(run);
    return EVENT_ORDER.map((n, i) => event(t[n], i === 0 ? 0 : TEST_FRAMEWORK_STEP_MS));
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

  const all = (builders: EventBuilders) => EVENT_ORDER.map((n) => event(builders[n]));
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
    case 'bridge_partial': {
      // The other three are lost to exceptions the emitter catches and logs (docs/protocol.md section 9).
      const b = bridgeBuilders(run);
      return [
        event(b.agent_started),
        event(b.tool_executing),
        { delayMs: 0, action: 'heartbeats', on: true },
      ];
    }
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
    case 'suite_flat':
      return all(suiteFlatBuilders(run));
    case 'frontend_shape':
      return all(frontendBuilders(run));
    case 'http_401':
    case 'auth_fail':
    case 'handshake_never':
      // These scenarios never reach a trigger; a run is played as happy if one somehow does.
      return all(c);
  }
}
