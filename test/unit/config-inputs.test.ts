import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/settings/config-file.js';
import { parseDuration } from '../../src/settings/parse.js';
import { resolveRunSettings } from '../../src/settings/resolve.js';
import { buildTemplateTrigger, templateWarnings } from '../../src/run/trigger.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-config-inputs-'));
  await mkdir(join(dir, 'sub'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function configWith(name: string, text: string) {
  const path = join(dir, name);
  await writeFile(path, text);
  return loadConfig(path, '/somewhere/else');
}

describe('a config file', () => {
  it('saved with a byte order mark is read as any other', async () => {
    const config = await configWith(
      'bom.json',
      '\ufeff{"environments":{"dev":{"url":"ws://h/ws"}}}',
    );
    expect(config?.environments[0]).toMatchObject({ name: 'dev', url: 'ws://h/ws' });
  });

  it('with a key given twice keeps the last one and says so', async () => {
    const config = await configWith(
      'twice.json',
      '{"environments":{"dev":{"url":"ws://a/ws","timeout":"5s","url":"ws://b/ws"},"dev":{"url":"ws://c/ws"}}}',
    );
    expect(config?.environments).toEqual([
      expect.objectContaining({ name: 'dev', url: 'ws://c/ws' }),
    ]);
    expect(config?.warnings).toEqual([
      `${join(dir, 'twice.json')}: "environments.dev.url" is given twice; the last one counts`,
      `${join(dir, 'twice.json')}: "environments.dev" is given twice; the last one counts`,
    ]);
  });

  it('resolves its relative paths from its own folder, not the working directory', async () => {
    const config = await loadConfigIn('sub/paths.json', {
      dev: {
        url: 'ws://h/ws',
        tokenFile: 'token.txt',
        schemas: '../schemas',
        trigger: 'trigger.json',
      },
      named: { url: 'ws://h/ws', trigger: 'start_agent', tokenFile: '/abs/token' },
    });
    expect(config?.environments[0]).toMatchObject({
      tokenFile: join(dir, 'sub', 'token.txt'),
      schemas: join(dir, 'schemas'),
      trigger: join(dir, 'sub', 'trigger.json'),
    });
    expect(config?.environments[1]).toMatchObject({
      trigger: 'start_agent',
      tokenFile: '/abs/token',
    });
  });

  it('whose defaultEnv names no environment says where that name comes from', async () => {
    const config = await configWith('default.json', '{"defaultEnv":"nope","environments":{}}');
    expect(() => resolveRunSettings({}, {}, config)).toThrow(
      expect.objectContaining({
        code: 'UNKNOWN_ENV',
        message: `${join(dir, 'default.json')}: "defaultEnv" names the unknown environment "nope"`,
      }),
    );
  });

  it('names its own "trigger" field, not --trigger, when that template cannot be read', async () => {
    const config = await loadConfigIn('trigger.json', {
      dev: { url: 'ws://h/ws', trigger: 'missing.json' },
    });
    const settings = resolveRunSettings({ env: 'dev' }, {}, config);
    expect(settings.triggerSource).toBe(`${join(dir, 'trigger.json')}: "environments.dev.trigger"`);
    expect(resolveRunSettings({ env: 'dev', trigger: 't.json' }, {}, config).triggerSource).toBe(
      '--trigger',
    );
  });
});

async function loadConfigIn(name: string, environments: Record<string, unknown>) {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify({ environments }));
  return loadConfig(path, '/somewhere/else');
}

describe('durations under a millisecond', () => {
  it.each(['0.1ms', '0.4ms', '0.9ms', '0.0005s'])('%s is refused, not rounded to 0', (text) => {
    expect(() => parseDuration(text, '--timeout')).toThrow(
      expect.objectContaining({
        code: 'BAD_DURATION',
        message: `--timeout: "${text}" is under 1 ms`,
      }),
    );
  });

  it('1ms and 1.4ms are taken (rounded)', () => {
    expect(parseDuration('1ms', '--timeout')).toBe(1);
    expect(parseDuration('1.4ms', '--timeout')).toBe(1);
  });
});

describe('a trigger template', () => {
  const values = { thread_id: 't', run_id: 'r', user_id: 'u', message: 'm', agent: 'a' };

  it('with an unknown placeholder is a usage error naming it and the known ones', () => {
    expect(() => buildTemplateTrigger('{"type":"x","id":"{{thread}}"}', 't.json', values)).toThrow(
      expect.objectContaining({
        code: 'TRIGGER_INVALID',
        message: 't.json: unknown placeholder {{thread}} in the trigger template',
        hint: 'the placeholders are {{thread_id}}, {{run_id}}, {{user_id}}, {{message}}, {{agent}}, {{uuid}}',
      }),
    );
  });

  it('without {{thread_id}} or {{run_id}} is warned about when it is loaded', () => {
    expect(
      templateWarnings('{"type":"x","thread_id":"{{thread_id}}","run_id":"{{run_id}}"}', 't.json'),
    ).toEqual([]);
    expect(templateWarnings('{"type":"x","thread_id":"{{ thread_id }}"}', 't.json')).toEqual([
      't.json: the trigger template has no {{run_id}}: the server cannot tie its events to this run, so they may be judged foreign',
    ]);
    expect(templateWarnings('{"type":"x"}', 't.json')).toHaveLength(2);
  });
});
