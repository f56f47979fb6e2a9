import { REPORT_SCHEMA_VERSION } from '../contract/run-report.js';
import { DIAGNOSIS_CODES, RULE_IDS } from '../contract/types.js';
import { ExitCode } from '../shared/errors.js';

/** Where the package ships the schema of its JSON report. */
export const REPORT_SCHEMA_FILE = 'report.schema.json';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/$defs/${name}` });
const string: Schema = { type: 'string' };
const strings: Schema = { type: 'array', items: string };
const count: Schema = { type: 'integer', minimum: 0 };
const countOrNull: Schema = { type: ['integer', 'null'], minimum: 0 };
const rate: Schema = { type: 'number', minimum: 0, maximum: 1 };
const verdict: Schema = { enum: ['pass', 'fail', 'error'] };

// Every key required but those listed optional, and no other key.
function object(properties: Record<string, Schema>, optional: readonly string[] = []): Schema {
  return {
    type: 'object',
    properties,
    required: Object.keys(properties).filter((key) => !optional.includes(key)),
    additionalProperties: false,
  };
}

// A usage error (2) or a bug (70) ends without a report.
const REPORTED_EXIT_CODES = Object.values(ExitCode).filter(
  (code) => code !== ExitCode.Usage && code !== ExitCode.Internal,
);

const DEFS: Record<string, Schema> = {
  target: object({ env: string, url: string }),
  trigger: object({ type: string, thread_id: string, run_id: string, user_id: string }, [
    'user_id',
  ]),
  runError: object({ code: string, message: string, hint: string }, ['hint']),
  fieldError: object({ path: string, message: string, expected: string, actual: string }, [
    'expected',
    'actual',
  ]),
  event: object(
    {
      type: string,
      status: { enum: ['pass', 'fail', 'missing'] },
      count,
      firstAtMs: { ...countOrNull, description: 'whole milliseconds after the trigger' },
      errors: { type: 'array', items: ref('fieldError') },
      optional: { const: true },
    },
    ['optional'],
  ),
  rule: object({
    id: { enum: [...RULE_IDS] },
    status: { enum: ['pass', 'fail', 'skip'] },
    message: string,
  }),
  shapeFamily: object({ profile: string, events: strings }),
  diagnosis: object(
    {
      code: { enum: [...DIAGNOSIS_CODES] },
      message: string,
      shapes: { type: 'array', items: ref('shapeFamily') },
    },
    ['shapes'],
  ),
  handshake: object({
    threadId: string,
    status: { enum: ['adopted', 'unanswered'] },
    completed: { type: 'boolean' },
  }),
  profile: object({
    name: string,
    verdict,
    exitCode: { enum: REPORTED_EXIT_CODES },
    events: { type: 'array', items: ref('event') },
    rules: { type: 'array', items: ref('rule') },
    diagnoses: { type: 'array', items: ref('diagnosis') },
  }),
  runReport: object(
    {
      schemaVersion: { const: REPORT_SCHEMA_VERSION },
      verdict,
      exitCode: { enum: REPORTED_EXIT_CODES },
      target: ref('target'),
      trigger: ref('trigger'),
      handshake: ref('handshake'),
      startedAt: { type: 'string', format: 'date-time' },
      durationMs: count,
      events: { type: 'array', items: ref('event') },
      rules: { type: 'array', items: ref('rule') },
      diagnoses: { type: 'array', items: ref('diagnosis') },
      warnings: strings,
      frames: object({
        received: count,
        sent: count,
        byType: { type: 'object', additionalProperties: count },
      }),
      close: { oneOf: [{ type: 'null' }, object({ code: { type: 'integer' }, reason: string })] },
      coverage: object({ unvalidatedTypes: strings, unusedSchemas: strings }),
      attempts: {
        type: 'array',
        items: object(
          { attempt: { type: 'integer', minimum: 1 }, durationMs: count, error: ref('runError') },
          ['error'],
        ),
      },
      profiles: { type: 'array', minItems: 1, items: ref('profile') },
      error: ref('runError'),
    },
    ['handshake', 'error'],
  ),
  percentiles: object({ p50: countOrNull, p95: countOrNull, max: countOrNull }),
  runSummary: object(
    {
      index: { type: 'integer', minimum: 1 },
      verdict,
      exitCode: { enum: REPORTED_EXIT_CODES },
      trigger: ref('trigger'),
      durationMs: count,
      latencies: object({
        connectMs: countOrNull,
        firstEventMs: countOrNull,
        completedMs: countOrNull,
      }),
      events: { type: 'object', additionalProperties: { enum: ['pass', 'fail', 'missing'] } },
      failures: strings,
      diagnoses: { type: 'array', items: { enum: [...DIAGNOSIS_CODES] } },
      errorCode: string,
    },
    ['errorCode'],
  ),
  aggregateReport: object({
    schemaVersion: { const: REPORT_SCHEMA_VERSION },
    verdict,
    exitCode: { enum: REPORTED_EXIT_CODES },
    target: ref('target'),
    runs: { type: 'array', items: ref('runSummary') },
    aggregate: object({
      total: count,
      notStarted: count,
      judged: count,
      passed: count,
      failed: count,
      untestable: count,
      untestableCodes: { type: 'object', additionalProperties: { type: 'integer', minimum: 1 } },
      passRate: rate,
      minPassRate: rate,
      perEvent: { type: 'object', additionalProperties: count },
      topFailures: {
        type: 'array',
        items: object({ message: string, count: { type: 'integer', minimum: 1 } }),
      },
      diagnoses: {
        type: 'object',
        propertyNames: { enum: [...DIAGNOSIS_CODES] },
        additionalProperties: { type: 'integer', minimum: 1 },
      },
      latency: object({
        connect: ref('percentiles'),
        firstEvent: ref('percentiles'),
        completed: ref('percentiles'),
      }),
      sessionsPerSecond: { type: 'number', minimum: 0 },
      durationMs: count,
    }),
  }),
};

/**
 * The JSON Schema (2020-12) of the `--json` report: the report of one run, or with `--runs` the
 * aggregate; shipped as `report.schema.json` at the package root.
 */
export function buildReportSchema(): Schema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `urn:ws-validate:report:${REPORT_SCHEMA_VERSION}`,
    title: `ws-validate JSON report, schemaVersion ${REPORT_SCHEMA_VERSION}`,
    description:
      'What ws-validate --json prints and --report json= writes: the report of one run, or of repeated runs (--runs). Times are whole milliseconds.',
    oneOf: [ref('runReport'), ref('aggregateReport')],
    $defs: DEFS,
  };
}
