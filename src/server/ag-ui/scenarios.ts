/** Every scenario of the AG-UI server (`serve --protocol ag-ui`), each breaking one thing relative to `happy`. */
export const AG_UI_SCENARIOS = [
  {
    name: 'happy',
    description:
      'A whole run: RUN_STARTED, a step with a streamed text message and a tool call with its result, RUN_FINISHED.',
  },
  {
    name: 'unclosed_tool',
    description:
      'The tool call is never ended: no TOOL_CALL_END before STEP_FINISHED and RUN_FINISHED.',
  },
  {
    name: 'content_after_end',
    description: 'One more TEXT_MESSAGE_CONTENT arrives after its TEXT_MESSAGE_END.',
  },
  {
    name: 'no_finished',
    description: 'No RUN_FINISHED: the server closes with 1000 after STEP_FINISHED.',
  },
  {
    name: 'run_error',
    description:
      'RUN_ERROR after the text message; no tool call, no STEP_FINISHED, no RUN_FINISHED.',
  },
  {
    name: 'mismatched_ids',
    description: 'TOOL_CALL_END carries a toolCallId that no TOOL_CALL_START opened.',
  },
  {
    name: 'after_finished',
    description: 'A STEP_STARTED arrives after RUN_FINISHED.',
  },
] as const satisfies readonly { name: string; description: string }[];

/** Name of one AG-UI server scenario. */
export type AgUiScenarioName = (typeof AG_UI_SCENARIOS)[number]['name'];

/** True when `s` names a scenario of the AG-UI server. */
export function isAgUiScenarioName(s: string): s is AgUiScenarioName {
  return AG_UI_SCENARIOS.some((scenario) => scenario.name === s);
}
