import { AG_UI_SCENARIOS } from './ag-ui/scenarios.js';

/** Every scenario the reference server can play, each breaking exactly one thing relative to `happy`. */
export const SCENARIOS = [
  {
    name: 'happy',
    description: 'Faithful DataHelper run: the five events once each, canonical shape.',
  },
  {
    name: 'missing_agent_started',
    description: 'Happy run without agent_started.',
  },
  {
    name: 'missing_agent_thinking',
    description: 'Happy run without agent_thinking.',
  },
  {
    name: 'missing_tool_executing',
    description: 'Happy run without tool_executing (its tool_completed stays).',
  },
  {
    name: 'missing_tool_completed',
    description: 'Happy run without tool_completed (the tool call is never closed).',
  },
  {
    name: 'missing_agent_completed',
    description: 'Happy run without agent_completed; closes 1000 after tool_completed.',
  },
  {
    name: 'schema_violation',
    description: 'Happy run whose tool_completed lacks data.execution_time.',
  },
  {
    name: 'bridge_shape',
    description:
      'Agent-bridge shape: tool fields at the top, data.parameters/result, no thread_id.',
  },
  {
    name: 'flat_shape',
    description: 'Every field flat at the top level (no data object), epoch timestamps.',
  },
  {
    name: 'wrapped',
    description: 'Event names in data.event under system_message/agent_progress outer types.',
  },
  {
    name: 'clobbered_type',
    description: 'Canonical run, but agent_thinking is sent with "type":"reasoning".',
  },
  {
    name: 'duplicate_completed',
    description: 'Canonical run with agent_completed sent twice.',
  },
  {
    name: 'out_of_order',
    description: 'Canonical run with agent_thinking sent before agent_started.',
  },
  {
    name: 'unpaired_tool',
    description: 'tool_completed carries a correlation_id that no tool_executing opened.',
  },
  {
    name: 'foreign_run',
    description: 'Canonical run plus one agent_thinking carrying another thread_id and run_id.',
  },
  {
    name: 'stall',
    description: 'agent_started, then only heartbeats until the client gives up.',
  },
  {
    name: 'drop',
    description: 'agent_started, agent_thinking, then the socket is destroyed (client sees 1006).',
  },
  {
    name: 'server_error',
    description: 'agent_started, then close 1011.',
  },
  {
    name: 'non_json',
    description: 'Happy run with one non-JSON text frame after agent_thinking.',
  },
  {
    name: 'binary',
    description: 'Happy run with one binary frame after agent_thinking.',
  },
  {
    name: 'oversized',
    description: 'Happy run with one 32 MiB text frame after agent_thinking.',
  },
  {
    name: 'http_401',
    description: 'The upgrade is answered with HTTP 401; no WebSocket is opened.',
  },
  {
    name: 'auth_fail',
    description: 'Any token fails: 101, an AUTH_FAILED error_message, then close 1008.',
  },
  {
    name: 'echo',
    description: 'The trigger frame is sent back verbatim and nothing else happens.',
  },
  {
    name: 'ack_only',
    description: 'The trigger only gets an ack, then heartbeats.',
  },
  {
    name: 'slow_trickle',
    description: 'Happy run with 3000 ms between events and heartbeats in between.',
  },
  {
    name: 'agent_error',
    description: 'agent_started, agent_thinking, then agent_error and no agent_completed.',
  },
  {
    name: 'cross_talk',
    description:
      "Happy run whose agent_thinking is also sent to the newest other live connection (another user's stream).",
  },
  {
    name: 'suite_flat',
    description:
      "The mission-critical suite's flat shape: fields at the top, epoch timestamps, the server's thread_id on agent_started only.",
  },
  {
    name: 'frontend_shape',
    description: "What the web client reads: details under payload, the server's own run_id.",
  },
  {
    name: 'handshake_never',
    description:
      'connection_established, then no handshake_response although the client waits for one; triggers only get an ack.',
  },
  {
    name: 'test_server',
    description:
      "The backend's test-framework server: flat connection_established, echo for unknown types, five flat events for a chat.",
  },
  {
    name: 'bridge_partial',
    description:
      'What the agent bridge puts on the wire at the studied revision: agent_started and tool_executing (bridge shape), then heartbeats.',
  },
] as const satisfies readonly { name: string; description: string }[];

/** Name of one reference-server scenario. */
export type ScenarioName = (typeof SCENARIOS)[number]['name'];

/** True when `s` names a scenario of the reference server. */
export function isScenarioName(s: string): s is ScenarioName {
  return SCENARIOS.some((scenario) => scenario.name === s);
}

/** The protocols the reference server speaks: the agent backend's (docs/protocol.md) and AG-UI. */
export const SERVER_PROTOCOLS = ['netra', 'ag-ui'] as const;

/** Name of a protocol the reference server speaks. */
export type ServerProtocol = (typeof SERVER_PROTOCOLS)[number];

/** The scenarios of a protocol, with what each does. */
export function scenariosOf(
  protocol: ServerProtocol,
): readonly { name: string; description: string }[] {
  return protocol === 'ag-ui' ? AG_UI_SCENARIOS : SCENARIOS;
}

/** True when `name` names a scenario of the reference server speaking `protocol`. */
export function isScenarioOf(protocol: ServerProtocol, name: string): boolean {
  return scenariosOf(protocol).some((scenario) => scenario.name === name);
}
