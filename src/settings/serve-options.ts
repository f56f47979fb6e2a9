import { UsageError } from '../shared/errors.js';
import { longFlag, oneOf, type FlagOption, type FlagsOf } from './option-row.js';
import { durationOrZeroOption, parseCount, parseProtocolScenario, parseSize } from './parse.js';
import { SERVER_PROTOCOLS, type ScenarioName, type ServerProtocol } from '../server/scenarios.js';
import type { AgUiScenarioName } from '../server/ag-ui/scenarios.js';

/** The options of `ws-validate serve`, each declared once: commander's options and their defaults. */
export const SERVE_OPTIONS = [
  {
    key: 'host',
    flags: '--host <host>',
    help: 'interface to listen on',
    group: 'Server',
    default: '127.0.0.1',
  },
  {
    key: 'port',
    flags: '--port <port>',
    help: 'port (0 picks a free one)',
    group: 'Server',
    parse: (text, source) => parseCount(text, source, 0, 65_535),
    default: '8765',
  },
  {
    key: 'protocol',
    flags: '--protocol <name>',
    help: `the protocol spoken: ${oneOf(SERVER_PROTOCOLS)}`,
    group: 'Server',
    parse: parseProtocol,
    default: 'netra',
  },
  {
    key: 'scenario',
    flags: '--scenario <name>',
    help: "fault scenario for every connection, one of the protocol's",
    group: 'Server',
    default: 'happy',
  },
  {
    key: 'jwtSecret',
    flags: '--jwt-secret <secret>',
    help: 'HS256 secret; without it one is generated and a token printed',
    group: 'Server',
    parse: parseSecret,
    secret: true,
  },
  {
    key: 'stepDelay',
    flags: '--step-delay <duration>',
    help: 'delay between agent events (0 for none)',
    group: 'Server',
    parse: durationOrZeroOption,
    default: '200ms',
  },
  {
    key: 'handshake',
    flags: '--handshake',
    help: 'send handshake_response after connection_established; run agents once acknowledged',
    group: 'Server',
  },
  {
    key: 'maxFrameSize',
    flags: '--max-frame-size <size>',
    help: 'largest frame accepted from a client; a larger one is closed with 1009',
    group: 'Server',
    parse: parseSize,
    default: '1MiB',
  },
] as const satisfies readonly FlagOption[];

type Row = (typeof SERVE_OPTIONS)[number];
type DefaultedKey = Extract<Row, { default: string }>['key'];

/** The flags of `serve`, as commander gives them; absent when not given. */
export type ServeFlags = FlagsOf<Row>;

/** What `serve` runs with, once defaults are applied and values checked. */
export interface ServeSettings {
  host: string;
  port: number;
  protocol: ServerProtocol;
  scenario: ScenarioName | AgUiScenarioName;
  /** The secret given, or null when `serve` makes one up. */
  jwtSecret: string | null;
  stepDelayMs: number;
  /** Whether connections start with the handshake of current servers. */
  handshake: boolean;
  /** Largest frame accepted from a client, in bytes. */
  maxFrameBytes: number;
}

/** Applies the defaults to the flags of `serve` and checks what needs more than one flag. */
export function resolveServeSettings(flags: ServeFlags): ServeSettings {
  const given = withDefaults(flags);
  const { protocol } = given;
  if (protocol === 'ag-ui' && given.handshake === true) {
    throw new UsageError(
      'HANDSHAKE_NOT_AG_UI',
      '--handshake belongs to the netra protocol, not to ag-ui',
      {
        hint: 'leave out --handshake (AG-UI has no handshake), or use --protocol netra',
      },
    );
  }
  return {
    host: given.host,
    port: given.port,
    protocol,
    scenario: parseProtocolScenario(given.scenario, protocol, {
      switchTo: (other) => `give --protocol ${other}`,
    }),
    jwtSecret: given.jwtSecret ?? null,
    stepDelayMs: given.stepDelay,
    handshake: given.handshake === true,
    maxFrameBytes: given.maxFrameSize,
  };
}

function withDefaults(flags: ServeFlags): ServeFlags & Required<Pick<ServeFlags, DefaultedKey>> {
  const values: Record<string, unknown> = {};
  for (const row of SERVE_OPTIONS as readonly FlagOption[]) {
    const value = (flags as Readonly<Record<string, unknown>>)[row.key];
    if (value !== undefined) values[row.key] = value;
    else if (row.default !== undefined) {
      values[row.key] = row.parse ? row.parse(row.default, longFlag(row)) : row.default;
    }
  }
  return values as ServeFlags & Required<Pick<ServeFlags, DefaultedKey>>;
}

// An empty secret signs tokens anyone can forge; whitespace alone is a variable that expanded to nothing.
function parseSecret(text: string, source: string): string {
  if (text.trim() === '') {
    throw new UsageError('EMPTY_SECRET', `${source}: the secret is empty`, {
      hint: 'give a secret of some length, or leave --jwt-secret out to have one made up',
    });
  }
  return text;
}

function parseProtocol(text: string, source: string): ServerProtocol {
  const protocol = SERVER_PROTOCOLS.find((name) => name === text);
  if (protocol !== undefined) return protocol;
  throw new UsageError('UNKNOWN_PROTOCOL', `${source}: "${text}" is not a protocol of the server`, {
    hint: `use ${oneOf(SERVER_PROTOCOLS)}`,
  });
}
