import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectSchemas, loadSchemas } from '../../src/contract/schemas.js';
import { UsageError } from '../../src/shared/errors.js';
import { runCli } from '../helpers/cli.js';

// A `$ref` cycle that never descends into the frame recurses for ever when a frame is validated:
// each one must be refused up front, naming a file on the cycle, wherever schemas are loaded.

const draft = 'https://json-schema.org/draft/2020-12/schema';
const typed = (type: string, extra: Record<string, unknown>): string =>
  JSON.stringify({
    $schema: draft,
    type: 'object',
    properties: { type: { const: type } },
    ...extra,
  });

/** Folders of schema files, each with one kind of cycle (or recursion that is fine). */
const FOLDERS: Record<string, Record<string, string>> = {
  self: { 'agent_started.schema.json': typed('agent_started', { $ref: '#' }) },
  defs: {
    'agent_started.schema.json': typed('agent_started', {
      $ref: '#/$defs/a',
      $defs: { a: { allOf: [{ $ref: '#/$defs/b' }] }, b: { anyOf: [{ $ref: '#/$defs/a' }] } },
    }),
  },
  files: {
    'agent_started.schema.json': typed('agent_started', { $ref: 'defs/shared.schema.json' }),
    'defs/shared.schema.json': JSON.stringify({
      $schema: draft,
      oneOf: [{ $ref: '../agent_started.schema.json' }],
    }),
  },
  consuming: {
    'agent_started.schema.json': typed('agent_started', {
      properties: { type: { const: 'agent_started' }, child: { $ref: '#' } },
      items: { $ref: '#' },
    }),
  },
};

let dir: string;
const folder = (name: string): string => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-cycles-'));
  for (const [name, files] of Object.entries(FOLDERS)) {
    await mkdir(join(folder(name), 'defs'), { recursive: true });
    for (const [file, text] of Object.entries(files)) {
      await writeFile(join(folder(name), file), text);
    }
  }
  await writeFile(
    join(dir, 'plain.ndjson'),
    '{"type":"agent_started","run_id":"r","thread_id":"t","data":{"agent_name":"x"}}\n',
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function loadError(name: string): Promise<UsageError> {
  const error: unknown = await loadSchemas(folder(name)).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

describe('a $ref cycle that consumes no data', () => {
  it.each([
    ['a schema referring to itself', 'self', 'agent_started.schema.json'],
    ['a cycle through $defs', 'defs', 'agent_started.schema.json'],
    ['a cycle across files', 'files', 'agent_started.schema.json'],
  ])('%s is a usage error naming the file', async (_case, name, file) => {
    const error = await loadError(name);
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe('SCHEMA_INVALID');
    expect(error.message).toContain(join(folder(name), file));
    expect(error.message).toMatch(/\$ref cycle/);
  });

  it('is listed as broken by `schemas`', async () => {
    const listed = await inspectSchemas(folder('defs'));
    expect(listed).toEqual([
      {
        file: 'agent_started.schema.json',
        covers: null,
        error: expect.stringMatching(/\$ref cycle/) as unknown,
      },
    ]);
  });

  it('is fine when each step descends into the frame (a recursive structure)', async () => {
    const schemas = await loadSchemas(folder('consuming'));
    const nested = { type: 'agent_started', child: { child: { child: {} } } };
    expect(schemas.check(nested).errors).toEqual([]);
  });

  it.each([
    ['a run', () => ['--env', 'embedded', '--schemas', folder('self')]],
    ['check', () => ['check', join(dir, 'plain.ndjson'), '--schemas', folder('self')]],
  ])('gives exit 2 with one error and one hint in %s', async (_case, args) => {
    const result = await runCli(args());
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^error: Schema file .*self\/agent_started\.schema\.json is invalid: .*\$ref cycle.*\nhint: .+\n$/,
    );
  });

  it('gives exit 2 in `ws-validate schemas`, which names the file as broken', async () => {
    const result = await runCli(['schemas', '--schemas', folder('files')]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toMatch(/✖ agent_started\.schema\.json +broken: .*\$ref cycle/);
    expect(result.stdout).toMatch(/^0 compiled, 2 broken$/m);
  });
});
