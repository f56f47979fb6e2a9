import { REPORT_FORMATS, type ReportFormat } from '../report/formats.js';
import { UsageError } from '../shared/errors.js';
import { redactUrl } from '../shared/redact.js';
import { shaped } from './option-row.js';
import type { AgUiScenarioName } from '../server/ag-ui/scenarios.js';
import {
  isScenarioOf,
  scenariosOf,
  SERVER_PROTOCOLS,
  type ScenarioName,
  type ServerProtocol,
} from '../server/scenarios.js';
import { HANDSHAKE_MODES, type HandshakeMode } from '../session/handshake.js';

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const MAX_DURATION_MS = 2_147_483_647;

/** A number and a unit in any casing; no flags, so that it holds as a JSON Schema pattern too. */
export const DURATION_PATTERN = '^\\s*(\\d+(?:\\.\\d+)?)\\s*([mM][sS]|[sSmMhH])\\s*$';
const DURATION_TEXT = new RegExp(DURATION_PATTERN);

/** A bare zero, the one duration that needs no unit where zero is allowed. */
export const ZERO_PATTERN = '^\\s*0\\s*$';
const ZERO_TEXT = new RegExp(ZERO_PATTERN);

/** A duration option's parser: a number and a unit; the library also takes milliseconds. */
export const durationOption = shaped((text, source) => parseDuration(text, source), {
  pattern: DURATION_PATTERN,
  milliseconds: true,
});

/** The parser of a duration option that may be 0 (no time at all is a choice). */
export const durationOrZeroOption = shaped(
  (text, source) => parseDuration(text, source, { allowZero: true }),
  { pattern: `${ZERO_PATTERN}|${DURATION_PATTERN}`, milliseconds: true },
);

/** Parses a duration such as `500ms`, `15s`, `1.5s` or `2m` into milliseconds; zero only when allowed. */
export function parseDuration(
  text: string,
  flag = 'duration',
  options: { allowZero?: boolean } = {},
): number {
  // A bare 0 needs no unit.
  if (options.allowZero && ZERO_TEXT.test(text)) return 0;
  const match = DURATION_TEXT.exec(text);
  const value = match ? Number(match[1]) * (DURATION_UNITS[match[2]!.toLowerCase()] ?? NaN) : NaN;
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !options.allowZero)) {
    throw new UsageError('BAD_DURATION', `${flag}: "${text}" is not a duration`, {
      hint: 'use a number with a unit, e.g. 500ms, 15s or 2m',
    });
  }
  // Timers count whole milliseconds: less would round to no time at all.
  if (value > 0 && value < 1) {
    throw new UsageError('BAD_DURATION', `${flag}: "${text}" is under 1 ms`, {
      hint: 'give at least 1ms, e.g. 500ms or 15s',
    });
  }
  // Node's timers cannot wait longer; a larger value would fire at once.
  if (value > MAX_DURATION_MS) {
    throw new UsageError('BAD_DURATION', `${flag}: "${text}" is too long`, {
      hint: 'durations go up to 24 days (e.g. 24h)',
    });
  }
  return Math.round(value);
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  k: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
};

/** Parses a byte size such as `16MiB`, `512KiB`, `10mb` or `1048576` into bytes. */
export function parseSize(text: string, flag = 'size'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = SIZE_UNITS[match?.[2]?.toLowerCase() ?? 'x'];
  const value = match && unit !== undefined ? Math.floor(Number(match[1]) * unit) : NaN;
  if (!Number.isFinite(value) || value < 1) {
    throw new UsageError('BAD_SIZE', `${flag}: "${text}" is not a size`, {
      hint: 'use bytes or a unit, e.g. 1048576, 512KiB or 16MiB',
    });
  }
  return value;
}

/** Parses a whole number within [min, max]. */
export function parseCount(text: string, flag: string, min = 1, max = 1_000_000): number {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(
      'BAD_NUMBER',
      `${flag}: "${text}" is not a whole number from ${min} to ${max}`,
      {
        hint: `give a whole number from ${min} to ${max}`,
      },
    );
  }
  return value;
}

/** Parses a rate between 0 and 1 inclusive (a percentage like `95%` is accepted too). */
export function parseRate(text: string, flag: string): number {
  const trimmed = text.trim();
  const percent = trimmed.endsWith('%');
  const written = Number(percent ? trimmed.slice(0, -1) : trimmed);
  // 98.4% is 0.984 as written, not 98.4 / 100 (0.9840000000000001), so the gate compares exactly.
  const value = percent ? shiftDecimal(written, -2) : written;
  if (trimmed === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new UsageError('BAD_RATE', `${flag}: "${text}" is not a rate`, {
      hint: 'give a number from 0 to 1, e.g. 0.95, or a percentage, e.g. 95%',
    });
  }
  return value;
}

// Moves the decimal point of a number's shortest decimal form, e.g. 98.4 by -2 to 0.984.
function shiftDecimal(value: number, places: number): number {
  const [mantissa = 'NaN', exponent = '0'] = String(value).toLowerCase().split('e');
  return Number(`${mantissa}e${Number(exponent) + places}`);
}

/** The trigger messages ws-validate knows by name (docs/protocol.md section 4). */
export const NAMED_TRIGGERS = ['agent_execution', 'start_agent', 'user_message'] as const;
export type NamedTrigger = (typeof NAMED_TRIGGERS)[number];

/** True when `name` is a named trigger rather than a template file path. */
export function isNamedTrigger(name: string): name is NamedTrigger {
  return (NAMED_TRIGGERS as readonly string[]).includes(name);
}

export const AUTH_PLACEMENTS = ['header', 'subprotocol', 'query'] as const;
export type AuthPlacement = (typeof AUTH_PLACEMENTS)[number];

/** Parses `--auth header|subprotocol|query`. */
export function parsePlacement(text: string, flag = '--auth'): AuthPlacement {
  if ((AUTH_PLACEMENTS as readonly string[]).includes(text)) return text as AuthPlacement;
  throw new UsageError('BAD_AUTH_PLACEMENT', `${flag}: "${text}" is not an auth placement`, {
    hint: `use one of ${AUTH_PLACEMENTS.join(', ')}`,
  });
}

/** Parses `--handshake auto|on|off`. */
export function parseHandshake(text: string, source = '--handshake'): HandshakeMode {
  if ((HANDSHAKE_MODES as readonly string[]).includes(text)) return text as HandshakeMode;
  throw new UsageError('BAD_HANDSHAKE', `${source}: "${text}" is not a handshake mode`, {
    hint: `use one of ${HANDSHAKE_MODES.join(', ')}: auto answers a handshake when the server starts one, on waits for it before the trigger, off never answers`,
  });
}

export interface ReportTarget {
  format: ReportFormat;
  path: string;
}

/** Parses `--report <format>=<path>`. */
export function parseReportTarget(text: string): ReportTarget {
  const eq = text.indexOf('=');
  const format = text.slice(0, eq);
  const path = text.slice(eq + 1);
  if (eq < 1 || path === '' || !(REPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError('BAD_REPORT', `--report: "${text}" is not <format>=<path>`, {
      hint: `formats: ${REPORT_FORMATS.join(', ')}; e.g. --report junit=results.xml`,
    });
  }
  return { format: format as ReportFormat, path };
}

/** Checks that a URL is a ws:// or wss:// URL and returns it normalised. */
export function parseWsUrl(text: string, source = '--url'): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError('BAD_URL', `${source}: "${text}" is not a URL`, {
      hint: 'give a WebSocket URL such as wss://api.example.com/ws',
    });
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new UsageError('BAD_URL', `${source}: ${url.protocol}// is not a WebSocket scheme`, {
      hint: 'use ws:// or wss://, e.g. wss://api.example.com/ws',
    });
  }
  return url.toString();
}

/** Checks the origin of a web page (`https://app.example.com`) and returns it as a browser sends it. */
export function parseOrigin(text: string, source = '--origin'): string {
  const hint = 'give the origin of the web page the server expects, e.g. https://app.example.com';
  const shown = redactUrl(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError('BAD_ORIGIN', `${source}: "${shown}" is not a URL`, { hint });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError('BAD_ORIGIN', `${source}: an origin is http:// or https://`, { hint });
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw new UsageError(
      'BAD_ORIGIN',
      `${source}: an origin is scheme, host and port only, without a path, query or credentials`,
      { hint },
    );
  }
  return url.origin;
}

/**
 * Checks that `--scenario` names a scenario of the reference server in one of its protocols; which
 * protocol the embedded server speaks is known only once the profiles are (see `parseProtocolScenario`).
 */
export function parseScenario(text: string): string {
  if (SERVER_PROTOCOLS.some((protocol) => isScenarioOf(protocol, text))) return text;
  throw new UsageError('UNKNOWN_SCENARIO', `--scenario: unknown scenario "${text}"`, {
    hint: `use one of ${scenarioNames('netra').join(', ')}; with --profile ag-ui one of ${scenarioNames('ag-ui').join(', ')} (see ws-validate serve --help)`,
  });
}

/** How a scenario of the wrong protocol is explained: why the server speaks this one, how to get the other. */
export interface ScenarioContext {
  /** Appended to the error, e.g. ` (with --profile ag-ui the embedded server speaks ag-ui)`. */
  why?: string;
  /** What to give for the server to speak `protocol`, e.g. `--protocol ag-ui`. */
  switchTo?: (protocol: ServerProtocol) => string;
}

/** Checks that `text` names a scenario of the reference server speaking `protocol`. */
export function parseProtocolScenario(
  text: string,
  protocol: ServerProtocol,
  context: ScenarioContext = {},
): ScenarioName | AgUiScenarioName {
  if (isScenarioOf(protocol, text)) return text as ScenarioName | AgUiScenarioName;
  const other = SERVER_PROTOCOLS.find((p) => p !== protocol && isScenarioOf(p, text));
  const names = scenarioNames(protocol);
  const instead =
    other === undefined || context.switchTo === undefined
      ? ''
      : `; "${text}" is a scenario of ${other}: ${context.switchTo(other)}`;
  throw new UsageError(
    'UNKNOWN_SCENARIO',
    `--scenario: unknown ${protocol} scenario "${text}"${context.why ?? ''}`,
    { hint: `use one of ${names.join(', ')} (see ws-validate serve --help)${instead}` },
  );
}

function scenarioNames(protocol: ServerProtocol): string[] {
  return scenariosOf(protocol).map((scenario) => scenario.name);
}
