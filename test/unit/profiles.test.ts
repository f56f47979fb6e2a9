import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProfileJson } from '../../src/contract/profile-json.js';
import {
  loadProfile,
  loadProfiles,
  selectProfiles,
  type ProfileChoice,
} from '../../src/contract/profiles.js';
import { builtInProfileDir } from '../../src/contract/schemas.js';
import { UsageError } from '../../src/shared/errors.js';

const FILE = '/p/profile.json';
const minimal = { profile: 1, name: 'mini', typeField: 'type', required: ['start'] };

function parseError(json: unknown): UsageError {
  const text = typeof json === 'string' ? json : JSON.stringify(json);
  try {
    parseProfileJson(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a usage error');
}

describe('profile.json', () => {
  it('fills every field but profile, name, typeField and required with an empty default', () => {
    expect(parseProfileJson(JSON.stringify(minimal), FILE)).toEqual({
      ...minimal,
      description: '',
      events: [],
      first: [],
      terminal: [],
      errors: [],
      once: [],
      pairs: [],
      runScope: null,
      trigger: null,
    });
  });

  it('reads pairs and runScope with their own defaults, and ignores a byte-order mark', () => {
    const spec = parseProfileJson(
      `\uFEFF${JSON.stringify({
        ...minimal,
        pairs: [{ open: 'a', close: 'b', by: ['id'] }],
        runScope: { run: ['meta.run'] },
      })}`,
      FILE,
    );
    expect(spec.pairs).toEqual([{ open: 'a', close: 'b', by: ['id'], inside: [] }]);
    expect(spec.runScope).toEqual({ thread: [], run: ['meta.run'], adoptRunId: false });
  });

  // prettier-ignore
  it.each([
    ['not JSON', '{"profile": 1,', /profile\.json is not valid JSON/],
    ['not an object', [1], /the file must hold a JSON object/],
    ['an unknown field', { ...minimal, requird: [] }, /"requird" is not a known field \(expected profile, name,/],
    ['another format version', { ...minimal, profile: 2 }, /"profile" must be 1/],
    ['a name with spaces', { ...minimal, name: 'my profile' }, /"name" must be a name/],
    ['a missing typeField', { ...minimal, typeField: undefined }, /"typeField" must be a dotted path/],
    ['a typeField with an empty step', { ...minimal, typeField: 'data..event' }, /"typeField" must be a dotted path/],
    ['no required list', { ...minimal, required: undefined }, /"required" is missing/],
    ['an empty required list', { ...minimal, required: [] }, /"required" must name at least one event/],
    ['a list of the wrong type', { ...minimal, terminal: 'end' }, /"terminal" must be a list of event type names/],
    ['a list naming an event twice', { ...minimal, once: ['a', 'a'] }, /"once" names a twice/],
    ['pairs that are not a list', { ...minimal, pairs: {} }, /"pairs" must be a list/],
    ['a pair without by', { ...minimal, pairs: [{ open: 'a', close: 'b' }] }, /"pairs\[0\]\.by" must be a list of dotted paths \(at least one\)/],
    ['a pair with an unknown field', { ...minimal, pairs: [{ open: 'a', close: 'b', by: ['k'], key: 1 }] }, /"pairs\[0\]\.key" is not a known field/],
    ['a pair without open', { ...minimal, pairs: [{ close: 'b', by: ['k'] }] }, /"pairs\[0\]\.open" must be an event type name/],
    ['runScope naming no path', { ...minimal, runScope: {} }, /"runScope" must name the path of a thread id or a run id/],
    ['runScope with a wrong adoptRunId', { ...minimal, runScope: { run: ['r'], adoptRunId: 'yes' } }, /"runScope\.adoptRunId" must be true or false/],
    ['runScope with an unknown field', { ...minimal, runScope: { run: ['r'], adopt: true } }, /"runScope\.adopt" is not a known field/],
    ['a trigger that is not an object', { ...minimal, trigger: 'agent_execution' }, /"trigger" must be a JSON object/],
    ['an error event that is also a run event', { ...minimal, errors: ['start'] }, /"errors" names start, which is also one of the run's events/],
  ])('refuses %s, naming the file and the field', (_case, json, message) => {
    const error = parseError(json);
    expect(error.exitCode).toBe(2);
    expect(error.code).toBe('PROFILE_INVALID');
    expect(error.message).toMatch(/^\/p\/profile\.json/);
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(/profile\.json format/);
  });
});

describe('selecting profiles', () => {
  const choice = (text: string, baseDir = '/base'): ProfileChoice => ({
    text,
    baseDir,
    source: '--profile',
  });

  it('reads names, comma lists, folders and all, each profile once and in order', () => {
    expect(
      selectProfiles([choice('canonical, ./mine'), choice('all'), choice('../theirs', '/cfg/x')]),
    ).toEqual([
      { kind: 'built-in', name: 'canonical' },
      { kind: 'folder', dir: '/base/mine' },
      { kind: 'built-in', name: 'bridge' },
      { kind: 'built-in', name: 'flat' },
      { kind: 'built-in', name: 'frontend' },
      { kind: 'built-in', name: 'ag-ui' },
      { kind: 'folder', dir: '/cfg/theirs' },
    ]);
  });

  it('refuses an unknown built-in name and says how to give a folder', () => {
    expect(() => selectProfiles([choice('canonicl')])).toThrow(
      expect.objectContaining({
        code: 'PROFILE_UNKNOWN',
        exitCode: 2,
        message: '--profile: unknown profile "canonicl"',
        hint: expect.stringMatching(
          /canonical.*all; a profile folder is given as a path/,
        ) as unknown,
      }),
    );
  });

  it('refuses an empty entry of a comma list', () => {
    expect(() => selectProfiles([choice('canonical,')])).toThrow(/names no profile/);
  });
});

describe('loading a profile folder', () => {
  let dir: string;

  const event = (type: string): string =>
    JSON.stringify({ type: 'object', properties: { type: { const: type } } });

  async function folder(name: string, profile: unknown, schemas: string[]): Promise<string> {
    const path = join(dir, name);
    await mkdir(path, { recursive: true });
    if (profile !== undefined) await writeFile(join(path, 'profile.json'), JSON.stringify(profile));
    for (const type of schemas) await writeFile(join(path, `${type}.schema.json`), event(type));
    return path;
  }

  async function loadError(path: string): Promise<UsageError> {
    const error: unknown = await loadProfile({ kind: 'folder', dir: path }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ws-validate-profiles-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the built-in canonical profile with its schemas', async () => {
    const profile = await loadProfile({ kind: 'built-in', name: 'canonical' });
    expect(profile.dir).toBe(builtInProfileDir('canonical'));
    expect(profile.builtIn).toBe(true);
    expect(profile.spec.required).toHaveLength(5);
    expect(profile.roles.get('tool_executing')?.opens).toEqual([0]);
    expect(profile.roles.get('agent_error')?.error).toBe(true);
    expect(profile.checker.covers.agent_started).toBe('agent_started.schema.json');
  });

  it('loads a folder written by hand', async () => {
    const path = await folder(
      'good',
      { ...minimal, terminal: ['end'], pairs: [{ open: 'a', close: 'b', by: ['id'] }] },
      ['start', 'end', 'a', 'b'],
    );
    const profile = await loadProfile({ kind: 'folder', dir: path });
    expect(profile.spec.name).toBe('mini');
    expect(profile.builtIn).toBe(false);
    expect([...profile.roles.keys()]).toEqual(['start', 'end', 'a', 'b']);
  });

  it('refuses a folder that does not exist, and one without profile.json', async () => {
    expect((await loadError(join(dir, 'absent'))).message).toMatch(
      /profile folder .*absent does not exist/,
    );
    const empty = await folder('empty', undefined, ['start']);
    const error = await loadError(empty);
    expect(error.message).toBe(`profile folder ${empty} has no profile.json`);
    expect(error.hint).toMatch(/one <type>\.schema\.json per frame type/);
  });

  it.each([
    ['a required event', { ...minimal, required: ['start', 'middle'] }, '"required" names middle'],
    ['a terminal event', { ...minimal, terminal: ['end'] }, '"terminal" names end'],
    [
      'the close of a pair',
      { ...minimal, pairs: [{ open: 'start', close: 'stop', by: ['id'] }] },
      '"pairs[0].close" names stop',
    ],
  ])('refuses %s that has no schema, naming the file and the field', async (_case, spec, text) => {
    const path = await folder(`without-${text.split(' ')[0]?.replace(/\W/g, '')}`, spec, ['start']);
    const error = await loadError(path);
    expect(error.message).toBe(
      `${join(path, 'profile.json')}: ${text}, which has no schema (no ${text.split(' ').pop()}.schema.json in the folder)`,
    );
    expect(error.hint).toMatch(/\.schema\.json beside profile\.json/);
  });

  it('refuses a broken $ref, naming the schema file', async () => {
    const path = await folder('dangling', minimal, []);
    await writeFile(join(path, 'start.schema.json'), '{"$ref": "defs/missing.schema.json"}');
    const error = await loadError(path);
    expect(error.code).toBe('SCHEMA_INVALID');
    expect(error.message).toMatch(/start\.schema\.json is invalid: .*can't resolve reference/);
  });

  it('refuses two selected profiles with one name', async () => {
    const one = await folder('one', minimal, ['start']);
    const two = await folder('two', minimal, ['start']);
    const error: unknown = await loadProfiles([
      { kind: 'folder', dir: one },
      { kind: 'folder', dir: two },
    ]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'PROFILE_TWICE', exitCode: 2 });
  });

  it('gives the first profile the schemas of --schemas, as they are', async () => {
    const other = await folder('other-schemas', undefined, ['start']);
    const [first, second] = await loadProfiles(
      [
        { kind: 'built-in', name: 'canonical' },
        { kind: 'folder', dir: await folder('second', minimal, ['start']) },
      ],
      { schemasDir: other },
    );
    expect(first?.checker.dir).toBe(other);
    expect(first?.checker.schemaNames).toEqual(['start']);
    expect(second?.checker.schemaNames).toEqual(['start']);
  });
});
