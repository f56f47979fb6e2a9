import { ALL_PROFILES, BUILT_IN_PROFILES } from '../contract/profile.js';
import { HANDSHAKE_MODES } from '../session/handshake.js';
import {
  NAMED_TRIGGERS,
  durationOption,
  durationOrZeroOption,
  parseCount,
  parseHandshake,
  parseSize,
} from './parse.js';
import { oneOf, shaped, type OptionRow } from './option-row.js';

/** The options of the run itself: its trigger, its budgets and its contract. */
export const RUN_ROWS = [
  {
    key: 'trigger',
    flags: '--trigger <name|file>',
    help: `${oneOf(NAMED_TRIGGERS)}, or a JSON template file`,
    group: 'Trigger',
    helpDefault: "the first profile's trigger, else agent_execution",
    config: 'string',
    file: true,
  },
  {
    key: 'handshake',
    flags: '--handshake <mode>',
    help: `the handshake of current servers: ${oneOf(HANDSHAKE_MODES)} (auto answers one when the server starts it, on waits for it before the trigger)`,
    group: 'Trigger',
    parse: shaped(parseHandshake, { enum: HANDSHAKE_MODES }),
    default: 'auto',
    env: 'WS_VALIDATE_HANDSHAKE',
    config: 'string',
  },
  {
    key: 'message',
    flags: '--message <text>',
    help: 'the request sent to the agent',
    group: 'Trigger',
    // The request message of the canonical trigger (docs/protocol.md section 4); too long for --help.
    default: 'Generate brief test response with tool usage',
    helpDefault: false,
    config: 'string',
  },
  {
    key: 'agent',
    flags: '--agent <type>',
    help: 'agent_type to run',
    group: 'Trigger',
    default: 'data_helper',
    config: 'string',
  },
  // The budgets' defaults are those of docs/protocol.md section 5.
  {
    key: 'timeout',
    flags: '--timeout <duration>',
    help: 'total budget, e.g. 30s',
    group: 'Budgets',
    parse: durationOption,
    default: '30s',
    config: 'string',
  },
  {
    key: 'firstEventTimeout',
    flags: '--first-event-timeout <duration>',
    help: 'budget for the first agent event',
    group: 'Budgets',
    parse: durationOption,
    default: '15s',
    config: 'string',
  },
  {
    key: 'connectTimeout',
    flags: '--connect-timeout <duration>',
    help: 'budget for the connection',
    group: 'Budgets',
    parse: durationOption,
    default: '10s',
    config: 'string',
  },
  {
    key: 'grace',
    flags: '--grace <duration>',
    help: 'how long to listen after the terminal event',
    group: 'Budgets',
    // No grace period at all is a choice; every other budget must leave some time.
    parse: durationOrZeroOption,
    default: '300ms',
    config: 'string',
  },
  {
    key: 'retries',
    flags: '--retries <n>',
    help: 'retry connection failures n times, with backoff',
    group: 'Budgets',
    parse: (text, source) => parseCount(text, source, 0, 20),
    default: '0',
  },
  {
    key: 'profile',
    flags: '--profile <name|dir>',
    help: `contract profile: ${[...BUILT_IN_PROFILES, ALL_PROFILES].join(', ')}, a profile folder, or a comma list`,
    group: 'Contract',
    helpDefault: 'canonical',
    repeatable: true,
    config: 'strings',
  },
  {
    key: 'schemas',
    flags: '--schemas <dir>',
    help: "JSON Schema directory, in place of the first profile's schemas",
    group: 'Contract',
    config: 'string',
    file: true,
  },
  {
    key: 'maxFrameSize',
    flags: '--max-frame-size <size>',
    help: 'largest frame accepted, e.g. 16MiB',
    group: 'Contract',
    parse: parseSize,
    default: '16MiB',
  },
] as const satisfies readonly OptionRow[];
