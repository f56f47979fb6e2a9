import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/shared/errors.js';
import { canonicalProfile } from '../helpers/profiles.js';
import type { LoadedSchemas } from '../../src/contract/schema-checker.js';
import { describeParseError } from '../../src/contract/schema-files.js';
import { defaultSchemasDir, inspectSchemas, loadSchemas } from '../../src/contract/schemas.js';

type Frame = Record<string, unknown>;
const REQUIRED_EVENTS = canonicalProfile().spec.required;

function readFrames(name: string): Frame[] {
  const url = new URL(`../fixtures/frames/${name}.ndjson`, import.meta.url);
  return readFileSync(url, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Frame);
}

function frameOfType(frames: Frame[], type: string): Frame {
  const frame = frames.find((f) => f.type === type);
  if (frame === undefined) throw new Error(`fixture has no ${type} frame`);
  return frame;
}

const canonical = readFrames('canonical-run');
const bridge = readFrames('bridge-shape-run');
const flat = readFrames('flat-shape-run');
const infrastructure = readFrames('infrastructure-frames');
const wrapped = readFrames('wrapped-run');

let schemas: LoadedSchemas;
beforeAll(async () => {
  schemas = await loadSchemas(defaultSchemasDir());
});

function paths(frame: unknown): string[] {
  return schemas.check(frame).errors.map((e) => e.path);
}

function messages(frame: unknown): string[] {
  return schemas.check(frame).errors.map((e) => e.message);
}

describe('the shipped schemas', () => {
  it('live in the package profiles/canonical/ directory', () => {
    const dir = defaultSchemasDir();
    expect(isAbsolute(dir)).toBe(true);
    expect(dir).toMatch(/[/\\]profiles[/\\]canonical$/);
    expect(schemas.dir).toBe(dir);
  });

  it('cover the five required events and the loosely checked infrastructure frames', () => {
    expect(schemas.covers).toEqual({
      agent_completed: 'agent_completed.schema.json',
      agent_error: 'agent_error.schema.json',
      agent_started: 'agent_started.schema.json',
      agent_thinking: 'agent_thinking.schema.json',
      connection_established: 'connection_established.schema.json',
      error_message: 'error_message.schema.json',
      tool_completed: 'tool_completed.schema.json',
      tool_executing: 'tool_executing.schema.json',
    });
    expect([...schemas.schemaNames].sort()).toEqual(Object.keys(schemas.covers).sort());
    for (const event of REQUIRED_EVENTS) expect(schemas.schemaNames).toContain(event);
    expect(schemas.schemaNames).not.toContain('envelope');
  });

  it('pass every frame of the canonical run', () => {
    expect(canonical).toHaveLength(6);
    for (const frame of canonical) {
      expect(schemas.check(frame), String(frame.type)).toEqual({ schema: frame.type, errors: [] });
    }
  });

  it('pass the infrastructure frames that have a schema and skip the others', () => {
    const results = infrastructure.map((f) => [f.type, schemas.check(f).schema, paths(f)]);
    expect(results).toEqual([
      ['pong', null, []],
      ['heartbeat', null, []],
      ['ack', null, []],
      ['error_message', 'error_message', []],
      ['agent_error', 'agent_error', []],
    ]);
  });

  it('check infrastructure frames loosely but still check them', () => {
    const auth = frameOfType(infrastructure, 'error_message');
    expect(paths({ ...auth, error_code: undefined })).toEqual(['error_code']);
    const hello = frameOfType(canonical, 'connection_established');
    expect(paths({ ...hello, data: { golden_path_events: 'all' } })).toEqual([
      'data.golden_path_events',
    ]);
  });
});

describe('bridge-shape frames', () => {
  it('agent_started names the nested agent_name and the missing thread_id', () => {
    const frame = frameOfType(bridge, 'agent_started');
    expect(paths(frame)).toEqual(['data.agent_name', 'thread_id']);
    expect(messages(frame)[0]).toBe(
      '`data.agent_name` missing; frame has `agent_name` at the top level',
    );
    expect(messages(frame)[1]).toMatch(/^`thread_id` missing; the top level has `type`, `run_id`/);
  });

  it('agent_thinking only lacks thread_id', () => {
    expect(paths(frameOfType(bridge, 'agent_thinking'))).toEqual(['thread_id']);
  });

  it('tool_executing shows parameters for tool_args and the top-level tool_name', () => {
    const frame = frameOfType(bridge, 'tool_executing');
    expect(paths(frame)).toEqual([
      'correlation_id',
      'data.tool_args',
      'data.tool_name',
      'thread_id',
    ]);
    const byPath = Object.fromEntries(schemas.check(frame).errors.map((e) => [e.path, e]));
    expect(byPath['data.tool_args']).toEqual({
      path: 'data.tool_args',
      message: '`data.tool_args` missing; frame has `data.parameters`',
      expected: 'an object',
      actual: 'missing',
    });
    expect(byPath['data.tool_name']?.message).toBe(
      '`data.tool_name` missing; frame has `tool_name` at the top level',
    );
    expect(byPath.correlation_id?.message).toMatch(/^`correlation_id` missing; /);
    expect(byPath.thread_id?.message).toMatch(/^`thread_id` missing; /);
  });

  it('tool_completed shows result, results and execution_time_ms where the contract wants them', () => {
    const frame = frameOfType(bridge, 'tool_completed');
    expect(paths(frame)).toEqual([
      'correlation_id',
      'data.execution_time',
      'data.results',
      'data.tool_name',
      'thread_id',
    ]);
    expect(messages(frame)).toContain(
      '`data.results` missing; frame has `data.result` and `results` at the top level',
    );
    expect(messages(frame)).toContain(
      '`data.execution_time` missing; frame has `data.execution_time_ms`',
    );
  });

  it('agent_completed points at data.result for the final response', () => {
    const frame = frameOfType(bridge, 'agent_completed');
    expect(paths(frame)).toEqual(['data.final_response', 'thread_id']);
    expect(messages(frame)[0]).toBe('`data.final_response` missing; frame has `data.result`');
  });
});

describe('flat-shape frames', () => {
  it('name the missing data object and the fields found at the top level', () => {
    const started = frameOfType(flat, 'agent_started');
    expect(paths(started)).toEqual(['data', 'run_id']);
    expect(messages(started)[0]).toBe('`data` missing; frame has `agent_name` at the top level');

    const executing = frameOfType(flat, 'tool_executing');
    expect(paths(executing)).toEqual(['correlation_id', 'data', 'run_id']);
    expect(messages(executing)).toContain(
      '`data` missing; frame has `tool_name` and `tool_args` at the top level',
    );
    expect(messages(executing)).toContain('`correlation_id` missing; frame has `execution_id`');

    const completed = frameOfType(flat, 'agent_completed');
    expect(messages(completed)).toContain(
      '`data` missing; frame has `status` and `final_response` at the top level',
    );
  });

  it('are not checked under a clobbered type', () => {
    expect(schemas.check(flat[1])).toEqual({ schema: null, errors: [] });
  });
});

describe('field rules', () => {
  const thinking = frameOfType(canonical, 'agent_thinking');
  const completed = frameOfType(canonical, 'tool_completed');

  it('accept ISO-8601 and epoch-seconds timestamps', () => {
    for (const timestamp of [
      '2026-11-24T10:00:00Z',
      '2025-09-18T14:03:12.004211+00:00',
      0,
      1795519554.9,
    ]) {
      expect(paths({ ...thinking, timestamp }), String(timestamp)).toEqual([]);
    }
  });

  it('reject a timestamp that is neither', () => {
    for (const timestamp of ['yesterday', '2026-13-45T10:00:00Z', true, null, { s: 1 }]) {
      expect(paths({ ...thinking, timestamp }), JSON.stringify(timestamp)).toEqual(['timestamp']);
    }
    expect(schemas.check({ ...thinking, timestamp: true }).errors).toEqual([
      {
        path: 'timestamp',
        message:
          '`timestamp` must be an ISO-8601 date-time string or epoch seconds; got boolean `true`',
        expected: 'an ISO-8601 date-time string or epoch seconds',
        actual: 'true',
      },
    ]);
  });

  it('reject empty reasoning', () => {
    expect(schemas.check({ ...thinking, data: { reasoning: '' } }).errors).toEqual([
      {
        path: 'data.reasoning',
        message: '`data.reasoning` must be a non-empty string; got ""',
        expected: 'a non-empty string',
        actual: '""',
      },
    ]);
  });

  it('reject a negative execution_time and accept zero', () => {
    const data = completed.data as Frame;
    expect(messages({ ...completed, data: { ...data, execution_time: -0.5 } })).toEqual([
      '`data.execution_time` must be a number >= 0; got number `-0.5`',
    ]);
    expect(paths({ ...completed, data: { ...data, execution_time: 0 } })).toEqual([]);
  });

  it('accept any JSON value as results', () => {
    const data = completed.data as Frame;
    for (const results of [null, 'text', 3, [], {}]) {
      expect(paths({ ...completed, data: { ...data, results } })).toEqual([]);
    }
  });

  it('reject empty ids and a non-object data', () => {
    expect(paths({ ...thinking, run_id: '', thread_id: 7 })).toEqual(['run_id', 'thread_id']);
    expect(messages({ ...thinking, data: [] })).toEqual([
      '`data` must be an object; got array `[]`',
    ]);
  });

  it('allow extra properties everywhere', () => {
    expect(
      paths({ ...thinking, extra: 1, data: { reasoning: 'x', step_number: null, more: {} } }),
    ).toEqual([]);
  });
});

describe('frames without a schema', () => {
  it('return schema null for unknown, wrapped and non-object frames', () => {
    for (const frame of [...wrapped, { type: 'heartbeat' }, { type: 'reasoning' }]) {
      expect(schemas.check(frame)).toEqual({ schema: null, errors: [] });
    }
    for (const frame of [null, 'agent_started', 42, [], {}, { type: 5 }]) {
      expect(schemas.check(frame)).toEqual({ schema: null, errors: [] });
    }
  });

  it('do not resolve types through the prototype chain', () => {
    expect(schemas.check({ type: 'constructor' }).schema).toBeNull();
    expect(schemas.check({ type: '__proto__' }).schema).toBeNull();
  });
});

describe('schema directories', () => {
  const dirs: string[] = [];

  async function makeDir(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'ws-validate-schemas-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
    return dir;
  }

  async function loadError(dir: string): Promise<UsageError> {
    const err: unknown = await loadSchemas(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }

  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  const ping = JSON.stringify({
    type: 'object',
    required: ['type'],
    properties: { type: { const: 'ping' } },
  });

  it('name a file that is not JSON, with the parse position', async () => {
    const dir = await makeDir({
      'ping.schema.json': ping,
      'broken.schema.json': '{\n  "type": "object"\n  "required": []\n}',
    });
    const err = await loadError(dir);
    expect(err.code).toBe('SCHEMA_INVALID');
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain(join(dir, 'broken.schema.json'));
    expect(err.message).toMatch(/not valid JSON: .* at position 23 \(line 3, column 3\)$/);
    expect(err.hint).toMatch(/ws-validate schemas/);
  });

  it('name a schema that does not compile, with ajv reason', async () => {
    const dir = await makeDir({ 'ping.schema.json': ping, 'bad.schema.json': '{"type": 12}' });
    const err = await loadError(dir);
    expect(err.code).toBe('SCHEMA_INVALID');
    expect(err.message).toContain('bad.schema.json');
    expect(err.message).toMatch(/schema is invalid: data\/type must be/);
  });

  it('reject unknown keywords and unresolvable references', async () => {
    const typo = await makeDir({ 'ping.schema.json': '{"type":"object","requried":["type"]}' });
    expect((await loadError(typo)).message).toMatch(
      /ping\.schema\.json.*unknown keyword: "requried"/,
    );

    const dangling = await makeDir({ 'ping.schema.json': '{"$ref":"envelope.schema.json"}' });
    const err = await loadError(dangling);
    expect(err.message).toContain('ping.schema.json');
    expect(err.message).toMatch(/can't resolve reference envelope\.schema\.json/);
  });

  it('blame the broken shared schema rather than the files that reference it', async () => {
    const dir = await makeDir({
      'a_event.schema.json': '{"$ref":"envelope.schema.json"}',
      'envelope.schema.json': '{"type": "objekt"}',
    });
    const err = await loadError(dir);
    expect(err.message).toContain('envelope.schema.json is invalid');
  });

  it('reject two files covering the same type', async () => {
    const dir = await makeDir({ 'ping.schema.json': ping, 'other.schema.json': ping });
    const err = await loadError(dir);
    expect(err.code).toBe('SCHEMA_INVALID');
    expect(err.message).toMatch(
      /ping\.schema\.json.*covers type "ping", which other\.schema\.json/,
    );
  });

  it('report a missing or empty directory', async () => {
    const missing = join(tmpdir(), 'ws-validate-no-such-dir-8d1c2e4f');
    const err = await loadError(missing);
    expect(err.code).toBe('SCHEMAS_DIR_MISSING');
    expect(err.message).toContain(missing);
    await expect(inspectSchemas(missing)).rejects.toMatchObject({ code: 'SCHEMAS_DIR_MISSING' });

    const empty = await makeDir({ 'notes.json': '{}' });
    expect((await loadError(empty)).code).toBe('SCHEMAS_DIR_EMPTY');
  });

  it('take the covered type from the const, else from the file name, and skip referenced schemas', async () => {
    const dir = await makeDir({
      'common.schema.json': JSON.stringify({
        type: 'object',
        required: ['run_id'],
        properties: { run_id: { type: 'string' } },
      }),
      'started.schema.json': JSON.stringify({
        $ref: 'common.schema.json',
        properties: { type: { const: 'agent_started' } },
      }),
      'heartbeat.schema.json': JSON.stringify({ type: 'object' }),
    });
    const loaded = await loadSchemas(dir);
    expect(loaded.covers).toEqual({
      agent_started: 'started.schema.json',
      heartbeat: 'heartbeat.schema.json',
    });
    expect(loaded.check({ type: 'agent_started' }).errors.map((e) => e.path)).toEqual(['run_id']);
    expect(loaded.check({ type: 'agent_started', run_id: 'r' })).toEqual({
      schema: 'agent_started',
      errors: [],
    });
    expect(loaded.check({ type: 'heartbeat' }).schema).toBe('heartbeat');
  });

  it('inspect every file without throwing on broken ones', async () => {
    const dir = await makeDir({
      'ping.schema.json': ping,
      'broken.schema.json': '{\n  "type": }',
      'bad.schema.json': '{"type": 12}',
      'list.schema.json': '[]',
      'readme.md': '# ignored',
    });
    const listed = await inspectSchemas(dir);
    expect(listed.map((f) => [f.file, f.covers])).toEqual([
      ['bad.schema.json', null],
      ['broken.schema.json', null],
      ['list.schema.json', null],
      ['ping.schema.json', 'ping'],
    ]);
    expect(listed[0]?.error).toMatch(/data\/type must be/);
    expect(listed[1]?.error).toMatch(/^not valid JSON: /);
    expect(listed[1]?.error).not.toContain('\n');
    expect(listed[2]?.error).toMatch(/must hold a JSON object/);
    expect(listed[3]).not.toHaveProperty('error');
  });

  it('inspect the shipped directory: the envelope covers nothing', async () => {
    const listed = await inspectSchemas(defaultSchemasDir());
    expect(listed).toContainEqual({ file: 'defs/envelope.schema.json', covers: null });
    expect(listed).toContainEqual({ file: 'tool_executing.schema.json', covers: 'tool_executing' });
    expect(listed.every((f) => f.error === undefined)).toBe(true);
    expect(listed).toHaveLength(9);
  });
});

describe('describeParseError', () => {
  const text = '{\n  "type": "object"\n  "required": []\n}';
  it.each([
    // Node 20 and 22: V8 gives the position only.
    "Expected ',' or '}' after property value in JSON at position 23",
    // Node 24: V8 adds a line and column of its own, worded differently.
    "Expected ',' or '}' after property value in JSON at position 23 (line 3 column 3)",
  ])('says the same whatever V8 said: %s', (message) => {
    expect(describeParseError(new SyntaxError(message), text)).toBe(
      "Expected ',' or '}' after property value in JSON at position 23 (line 3, column 3)",
    );
  });
});
