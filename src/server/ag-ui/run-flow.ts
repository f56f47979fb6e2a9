import type { FlowStep } from '../flow-player.js';
import { FINAL_RESPONSE, TOOL_NAME, TOOL_RESULTS } from '../shapes/data-helper.js';
import { agUiEvent, type AgUiEventType } from './events.js';
import type { RunInput } from './run-input.js';
import type { AgUiScenarioName } from './scenarios.js';

/** The name of the run's one step. */
export const STEP_NAME = 'data_helper';

/** Splits `text` into `parts` pieces of about equal length, as a model streams it. */
function chunks(text: string, parts: number): string[] {
  const size = Math.ceil(text.length / parts);
  return Array.from({ length: parts }, (_, i) => text.slice(i * size, (i + 1) * size)).filter(
    (piece) => piece.length > 0,
  );
}

/** The steps of one AG-UI run under `scenario`, with `stepDelayMs` between events. */
export function buildAgUiRun(
  scenario: AgUiScenarioName,
  input: RunInput,
  newId: () => string,
  stepDelayMs: number,
): FlowStep[] {
  const send = (type: AgUiEventType, fields: Record<string, unknown> = {}): FlowStep => ({
    delayMs: stepDelayMs,
    action: 'json',
    agentEvent: true,
    build: (nowMs) => agUiEvent(type, fields, nowMs),
  });
  const ids = { threadId: input.threadId, runId: input.runId };
  const messageId = `msg_${newId()}`;
  const toolCallId = `call_${newId()}`;
  const args = JSON.stringify({ user_request_length: input.userText.length });

  const started = [send('RUN_STARTED', ids), send('STEP_STARTED', { stepName: STEP_NAME })];
  const deltas = chunks(FINAL_RESPONSE, 3).map((delta) =>
    send('TEXT_MESSAGE_CONTENT', { messageId, delta }),
  );
  const text = [
    send('TEXT_MESSAGE_START', { messageId, role: 'assistant' }),
    ...deltas,
    send('TEXT_MESSAGE_END', { messageId }),
  ];
  const toolOpen = [
    send('TOOL_CALL_START', { toolCallId, toolCallName: TOOL_NAME, parentMessageId: messageId }),
    ...chunks(args, 2).map((delta) => send('TOOL_CALL_ARGS', { toolCallId, delta })),
  ];
  const toolEnd = send('TOOL_CALL_END', { toolCallId });
  const toolResult = send('TOOL_CALL_RESULT', {
    messageId: `msg_${newId()}`,
    toolCallId,
    content: JSON.stringify(TOOL_RESULTS),
    role: 'tool',
  });
  const finished = [
    send('STEP_FINISHED', { stepName: STEP_NAME }),
    send('RUN_FINISHED', { ...ids, result: { status: 'completed' } }),
  ];

  switch (scenario) {
    case 'happy':
      return [...started, ...text, ...toolOpen, toolEnd, toolResult, ...finished];
    case 'unclosed_tool':
      return [...started, ...text, ...toolOpen, ...finished];
    case 'content_after_end':
      return [
        ...started,
        ...text,
        send('TEXT_MESSAGE_CONTENT', { messageId, delta: ' One more thing.' }),
        ...toolOpen,
        toolEnd,
        toolResult,
        ...finished,
      ];
    case 'no_finished':
      return [
        ...started,
        ...text,
        ...toolOpen,
        toolEnd,
        toolResult,
        send('STEP_FINISHED', { stepName: STEP_NAME }),
        { delayMs: stepDelayMs, action: 'close', code: 1000, reason: 'run over' },
      ];
    case 'run_error':
      return [
        ...started,
        ...text,
        send('RUN_ERROR', { message: 'The model provider timed out', code: 'PROVIDER_TIMEOUT' }),
      ];
    case 'mismatched_ids':
      return [
        ...started,
        ...text,
        ...toolOpen,
        send('TOOL_CALL_END', { toolCallId: `call_${newId()}` }),
        ...finished,
      ];
    case 'after_finished':
      return [
        ...started,
        ...text,
        ...toolOpen,
        toolEnd,
        toolResult,
        ...finished,
        send('STEP_STARTED', { stepName: 'follow_up' }),
      ];
  }
}
