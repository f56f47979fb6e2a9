import type { ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import {
  MAX_ACTUAL_LENGTH,
  describeSchema,
  renderValue,
} from '../../src/contract/describe-schema.js';
import { dottedPath, pointerSegments } from '../../src/contract/json-paths.js';
import { MAX_FIELD_ERRORS, formatContractErrors } from '../../src/contract/schema-errors.js';

function required(
  instancePath: string,
  missingProperty: string,
  parentSchema?: Record<string, unknown>,
): ErrorObject {
  return {
    keyword: 'required',
    instancePath,
    schemaPath: '#/required',
    params: { missingProperty },
    message: `must have required property '${missingProperty}'`,
    ...(parentSchema === undefined ? {} : { parentSchema }),
  };
}

function keywordError(
  keyword: string,
  instancePath: string,
  schemaPath: string,
  params: Record<string, unknown>,
  parentSchema?: unknown,
): ErrorObject {
  return {
    keyword,
    instancePath,
    schemaPath,
    params,
    message: `fails ${keyword}`,
    ...(parentSchema === undefined
      ? {}
      : { parentSchema: parentSchema as Record<string, unknown> }),
  };
}

describe('paths', () => {
  it.each([
    ['', []],
    ['/data', ['data']],
    ['/data/tool_args', ['data', 'tool_args']],
    ['/a~1b/c~0d', ['a/b', 'c~d']],
  ])('pointerSegments(%j)', (pointer, segments) => {
    expect(pointerSegments(pointer)).toEqual(segments);
  });

  it.each([
    [[], ''],
    [['correlation_id'], 'correlation_id'],
    [['data', 'tool_args'], 'data.tool_args'],
    [['data', 'golden_path_events', '2'], 'data.golden_path_events[2]'],
  ])('dottedPath(%j) = %j', (segments, path) => {
    expect(dottedPath(segments)).toBe(path);
  });
});

describe('renderValue', () => {
  it.each([
    [true, 'true'],
    ['', '""'],
    [null, 'null'],
    [[1, 2], '[1,2]'],
    [undefined, 'undefined'],
  ])('%j -> %s', (value, text) => {
    expect(renderValue(value)).toBe(text);
  });

  it('truncates long values', () => {
    const text = renderValue('x'.repeat(500));
    expect(text).toHaveLength(MAX_ACTUAL_LENGTH);
    expect(text.endsWith('…')).toBe(true);
    expect(text.startsWith('"xxx')).toBe(true);
  });
});

describe('describeSchema', () => {
  it.each([
    [{ type: 'string' }, 'a string'],
    [{ type: 'string', minLength: 1 }, 'a non-empty string'],
    [{ type: 'string', minLength: 3 }, 'a string of at least 3 characters'],
    [{ type: 'string', format: 'date-time' }, 'an ISO-8601 date-time string'],
    [{ type: 'number', minimum: 0 }, 'a number >= 0'],
    [{ type: 'integer', exclusiveMinimum: 0, maximum: 9 }, 'an integer > 0 and <= 9'],
    [{ type: 'object', properties: {}, title: 'ignored for containers' }, 'an object'],
    [{ type: ['string', 'null'] }, 'a string or null'],
    [{ const: 'agent_started' }, '"agent_started"'],
    [{ enum: ['a', 1] }, 'one of "a", 1'],
    [true, 'any JSON value'],
    [{ description: 'anything' }, 'any JSON value'],
    [
      {
        anyOf: [
          { type: 'string', format: 'date-time' },
          { type: 'number', title: 'epoch seconds' },
        ],
      },
      'an ISO-8601 date-time string or epoch seconds',
    ],
    [{ $ref: 'other.schema.json' }, undefined],
  ])('%j -> %j', (schema, text) => {
    expect(describeSchema(schema)).toBe(text);
  });

  it('follows local references within the given document', () => {
    const doc = { $defs: { id: { type: 'string', minLength: 1 } } };
    expect(describeSchema({ $ref: '#/$defs/id' }, doc)).toBe('a non-empty string');
  });
});

describe('missing fields', () => {
  const bridgeExecuting = {
    type: 'tool_executing',
    run_id: 'run_1',
    user_id: 'u',
    agent_name: 'data_helper',
    timestamp: '2025-09-18T14:03:13.140551+00:00',
    tool_name: 'data_helper',
    data: { parameters: { n: 1 }, status: 'executing', message: 'x' },
  };
  const dataSchema = {
    type: 'object',
    required: ['tool_name', 'tool_args'],
    properties: { tool_name: { type: 'string' }, tool_args: { type: 'object' } },
  };

  it('point at an alias at the same level', () => {
    const [error] = formatContractErrors(
      [required('/data', 'tool_args', dataSchema)],
      bridgeExecuting,
    );
    expect(error).toEqual({
      path: 'data.tool_args',
      message: '`data.tool_args` missing; frame has `data.parameters`',
      expected: 'an object',
      actual: 'missing',
    });
  });

  it('point at the same key at the top level', () => {
    const errors = formatContractErrors(
      [required('/data', 'tool_name', dataSchema)],
      bridgeExecuting,
    );
    expect(errors.map((e) => e.message)).toEqual([
      '`data.tool_name` missing; frame has `tool_name` at the top level',
    ]);
  });

  it('point at the same key under payload, and aliases there', () => {
    const frame = {
      type: 'tool_completed',
      payload: { tool_name: 't', result: {}, duration_ms: 4 },
    };
    const errors = formatContractErrors(
      [
        required('/data', 'results'),
        required('/data', 'execution_time'),
        required('/data', 'tool_name'),
      ],
      { ...frame, data: {} },
    );
    expect(errors.map((e) => e.message)).toEqual([
      '`data.execution_time` missing; frame has `payload.duration_ms`',
      '`data.results` missing; frame has `payload.result`',
      '`data.tool_name` missing; frame has `payload.tool_name`',
    ]);
  });

  it('suggest payload for a missing data object', () => {
    const errors = formatContractErrors([required('', 'data')], { type: 'x', payload: {} });
    expect(errors[0]?.message).toBe('`data` missing; frame has `payload`');
  });

  it('name flattened children of a missing container from the root schema', () => {
    const root = { $ref: 'envelope.schema.json', properties: { data: dataSchema } };
    const frame = { type: 'tool_executing', tool_name: 't', tool_args: {}, thread_id: 'th' };
    const errors = formatContractErrors(
      [required('', 'data', { properties: { data: { type: 'object' } } })],
      frame,
      root,
    );
    expect(errors[0]?.message).toBe(
      '`data` missing; frame has `tool_name` and `tool_args` at the top level',
    );
  });

  it('list the keys present when nothing similar exists, briefly', () => {
    const frame = { a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8 };
    expect(formatContractErrors([required('', 'thread_id')], frame)[0]?.message).toBe(
      '`thread_id` missing; the top level has `a`, `b`, `c`, `d`, `e`, `f` and 2 more',
    );
    expect(
      formatContractErrors([required('/data', 'agent_name')], { data: { status: 's' } })[0]
        ?.message,
    ).toBe('`data.agent_name` missing; `data` has `status`');
    expect(formatContractErrors([required('/data', 'agent_name')], { data: {} })[0]?.message).toBe(
      '`data.agent_name` missing; `data` is empty',
    );
  });

  it('describe the expected value from the envelope with local references', () => {
    const envelope = {
      $id: 'https://ws-validate.dev/schemas/envelope.schema.json',
      properties: { timestamp: { $ref: '#/$defs/timestamp' } },
      $defs: { timestamp: { anyOf: [{ type: 'string' }, { type: 'number' }] } },
    };
    const [error] = formatContractErrors([required('', 'timestamp', envelope)], { type: 'x' });
    expect(error?.expected).toBe('a string or a number');
    expect(error?.actual).toBe('missing');
  });

  it('fall back to "present" without schema information', () => {
    expect(formatContractErrors([required('', 'x')], {})[0]?.expected).toBe('present');
  });
});

describe('value errors', () => {
  it('collapse anyOf branches into one error at the path', () => {
    const timestampSchema = {
      anyOf: [
        { type: 'string', format: 'date-time' },
        { type: 'number', title: 'epoch seconds' },
      ],
    };
    const errors = formatContractErrors(
      [
        keywordError('format', '/timestamp', '#/$defs/timestamp/anyOf/0/format', {
          format: 'date-time',
        }),
        keywordError('type', '/timestamp', '#/$defs/timestamp/anyOf/1/type', { type: 'number' }),
        keywordError('anyOf', '/timestamp', '#/$defs/timestamp/anyOf', {}, timestampSchema),
      ],
      { timestamp: 'yesterday' },
    );
    expect(errors).toEqual([
      {
        path: 'timestamp',
        message:
          '`timestamp` must be an ISO-8601 date-time string or epoch seconds; got "yesterday"',
        expected: 'an ISO-8601 date-time string or epoch seconds',
        actual: '"yesterday"',
      },
    ]);
  });

  it('show the kind of non-string values', () => {
    const errors = formatContractErrors(
      [
        keywordError(
          'type',
          '/data/tool_args',
          '#/properties/data/properties/tool_args/type',
          { type: 'object' },
          { type: 'object' },
        ),
      ],
      { data: { tool_args: null } },
    );
    expect(errors[0]?.message).toBe('`data.tool_args` must be an object; got null `null`');
  });

  it('compare the type const as expected vs actual', () => {
    const [error] = formatContractErrors(
      [
        keywordError(
          'const',
          '/type',
          '#/properties/type/const',
          { allowedValue: 'agent_thinking' },
          { const: 'agent_thinking' },
        ),
      ],
      { type: 'reasoning' },
    );
    expect(error).toEqual({
      path: 'type',
      message: '`type` must be "agent_thinking"; got "reasoning"',
      expected: '"agent_thinking"',
      actual: '"reasoning"',
    });
  });

  it('derive the expectation from params when errors carry no schema', () => {
    const errors = formatContractErrors(
      [
        keywordError('minimum', '/data/execution_time', '#/x', { comparison: '>=', limit: 0 }),
        keywordError('minLength', '/data/reasoning', '#/y', { limit: 1 }),
      ],
      { data: { execution_time: -3, reasoning: '' } },
    );
    expect(errors.map((e) => e.message)).toEqual([
      '`data.execution_time` must be a number >= 0; got number `-3`',
      '`data.reasoning` must be a non-empty string; got ""',
    ]);
  });

  it('truncate long actual values', () => {
    const [error] = formatContractErrors(
      [keywordError('type', '/data/reasoning', '#/t', { type: 'string' }, { type: 'string' })],
      { data: { reasoning: { text: 'y'.repeat(200) } } },
    );
    expect(error?.actual).toHaveLength(MAX_ACTUAL_LENGTH);
    expect(error?.message.length).toBeLessThan(140);
  });

  it('report disallowed properties and unknown keywords with a path', () => {
    const errors = formatContractErrors(
      [
        keywordError('additionalProperties', '/data', '#/a', { additionalProperty: 'extra' }),
        keywordError('maxItems', '/list', '#/m', { limit: 2 }),
      ],
      { data: { extra: 1 }, list: [1, 2, 3] },
    );
    expect(errors).toEqual([
      {
        path: 'data.extra',
        message: '`data.extra` is not allowed here',
        expected: 'absent',
        actual: '1',
      },
      { path: 'list', message: '`list` fails maxItems', actual: '[1,2,3]' },
    ]);
  });
});

describe('collapsing and ordering', () => {
  it('keep one error per path, the most specific', () => {
    const errors = formatContractErrors(
      [
        keywordError(
          'minLength',
          '/thread_id',
          '#/a',
          { limit: 1 },
          { type: 'string', minLength: 1 },
        ),
        keywordError(
          'type',
          '/thread_id',
          '#/b',
          { type: 'string' },
          { type: 'string', minLength: 1 },
        ),
        required('', 'thread_id'),
        required('', 'thread_id'),
      ],
      { thread_id: 5 },
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]?.actual).toBe('missing');
  });

  it('order errors by path with the frame itself first', () => {
    const errors = formatContractErrors(
      [
        required('', 'thread_id'),
        required('/data', 'tool_args'),
        required('', 'correlation_id'),
        keywordError('type', '', '#/type', { type: 'object' }, { type: 'object' }),
      ],
      { data: {} },
    );
    expect(errors.map((e) => e.path)).toEqual([
      '',
      'correlation_id',
      'data.tool_args',
      'thread_id',
    ]);
  });

  it('cap the number of errors per frame and say how many were left out', () => {
    const many = Array.from({ length: MAX_FIELD_ERRORS + 5 }, (_, i) =>
      required('', `field_${String(i).padStart(2, '0')}`),
    );
    const errors = formatContractErrors(many, {});
    expect(errors).toHaveLength(MAX_FIELD_ERRORS + 1);
    expect(errors[0]?.path).toBe('field_00');
    expect(errors.at(-1)).toEqual({ path: '', message: '5 more errors not shown' });
  });

  it('return nothing for no errors', () => {
    expect(formatContractErrors([], { type: 'x' })).toEqual([]);
  });
});
