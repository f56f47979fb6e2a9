import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_PROFILES } from '../../src/contract/profile.js';
import { parseProfileJson } from '../../src/contract/profile-json.js';
import { runCli } from '../helpers/cli.js';

let dir: string;

const team = {
  profile: 1,
  name: 'team',
  description: 'our own contract',
  typeField: 'kind',
  required: ['begin', 'end'],
  terminal: ['end'],
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-profiles-cmd-'));
  await mkdir(join(dir, 'profiles', 'team'), { recursive: true });
  await writeFile(join(dir, 'profiles', 'team', 'profile.json'), JSON.stringify(team));
  for (const type of ['begin', 'end']) {
    await writeFile(
      join(dir, 'profiles', 'team', `${type}.schema.json`),
      JSON.stringify({ type: 'object', properties: { kind: { const: type } } }),
    );
  }
  await mkdir(join(dir, 'cyclic'));
  await writeFile(join(dir, 'cyclic', 'profile.json'), JSON.stringify({ ...team, name: 'cyclic' }));
  await writeFile(join(dir, 'cyclic', 'begin.schema.json'), '{"$ref": "#"}');
  await writeFile(join(dir, 'cyclic', 'end.schema.json'), '{"type": "object"}');
  await writeFile(
    join(dir, 'ws-validate.config.json'),
    JSON.stringify({
      environments: {
        dev: { url: 'ws://127.0.0.1:1/ws', profile: ['canonical', 'profiles/team'] },
      },
    }),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ws-validate profiles', () => {
  it('lists the built-in profiles in order with what they require', async () => {
    const { code, stdout } = await runCli(['profiles'], { cwd: tmpdir() });
    expect(code).toBe(0);
    const names = stdout.split('\n').filter((line) => /^\S/.test(line));
    expect(names.map((line) => line.split(/\s+/)[0])).toEqual([...BUILT_IN_PROFILES]);
    expect(stdout).toMatch(
      /^canonical +built-in\n +The agent event contract.*\n +requires agent_started, agent_thinking, tool_executing, tool_completed, agent_completed$/m,
    );
  });

  it('lists the profile folders the config file names, with where', async () => {
    const { code, stdout } = await runCli(['profiles'], { cwd: dir });
    expect(code).toBe(0);
    expect(stdout).toContain(
      `team       ${join(dir, 'profiles', 'team')} (${join(dir, 'ws-validate.config.json')}: environment dev)\n           our own contract\n           requires begin, end\n`,
    );
  });
});

describe('ws-validate profiles show', () => {
  it.each(BUILT_IN_PROFILES.map((name) => [name]))(
    'prints %s with every default filled in, as a profile.json that reads back the same',
    async (name) => {
      const { code, stdout } = await runCli(['profiles', 'show', name]);
      expect(code).toBe(0);
      const shown = JSON.parse(stdout) as Record<string, unknown>;
      expect(shown.name).toBe(name);
      expect(Object.keys(shown)).toContain('events');
      expect(parseProfileJson(stdout, 'shown.json')).toEqual(shown);
    },
  );

  it('finds a configured profile by its name, or a folder by its path', async () => {
    const byName = await runCli(['profiles', 'show', 'team'], { cwd: dir });
    const byPath = await runCli(['profiles', 'show', './profiles/team'], { cwd: dir });
    expect(byName.code).toBe(0);
    expect(JSON.parse(byName.stdout)).toMatchObject({ name: 'team', typeField: 'kind', pairs: [] });
    expect(byPath.stdout).toBe(byName.stdout);
  });

  it('refuses an unknown name with one error and one hint', async () => {
    const { code, stdout, stderr } = await runCli(['profiles', 'show', 'nope'], { cwd: dir });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^error: profiles show: unknown profile "nope"\nhint: .+\n$/);
  });

  it('refuses a profile whose schemas have a $ref cycle, naming the file (so does a run)', async () => {
    const shown = await runCli(['profiles', 'show', './cyclic'], { cwd: dir });
    const run = await runCli(['--url', 'ws://127.0.0.1:1/ws', '--profile', './cyclic'], {
      cwd: dir,
    });
    for (const result of [shown, run]) {
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^error: Schema file .*cyclic\/begin\.schema\.json is invalid: \$ref cycle.*\nhint: .+\n$/,
      );
    }
  });
});
