import { describe, expect, it } from 'vitest';
import { listEnvironments } from '../../src/settings/environments.js';
import { parseConfigFile } from '../../src/settings/config-file.js';
import { UsageError } from '../../src/shared/errors.js';
import { capBudgets, resolveRunSettings } from '../../src/settings/resolve.js';

const config = parseConfigFile('/p/ws-validate.config.json', {
  defaultEnv: 'dev',
  environments: {
    dev: {
      url: 'ws://dev.internal:9000/ws',
      authUrl: 'http://dev.internal:8081',
      auth: 'subprotocol',
      tokenEnv: 'DEV_TOKEN',
      trigger: 'start_agent',
      timeout: '20s',
    },
    staging: { firstEventTimeout: '5s' },
  },
});

describe('config file', () => {
  it('overlays configured fields on the built-in environment of the same name', () => {
    const staging = listEnvironments(config).find((e) => e.name === 'staging');
    expect(staging?.url).toBe('wss://api.staging.netrasystems.ai/ws');
    expect(staging?.firstEventTimeout).toBe('5s');
    expect(staging?.source).toBe('/p/ws-validate.config.json');
  });

  it.each([
    ['not an object', [], /the file must hold a JSON object/],
    ['an unknown top-level field', { envs: {} }, /"envs" is not a known field/],
    ['a non-object environments', { environments: 3 }, /"environments" must be an object/],
    [
      'an unknown env field',
      { environments: { a: { uri: 'x' } } },
      /"environments\.a\.uri" is not a known field/,
    ],
    [
      'a wrong type',
      { environments: { a: { url: 5 } } },
      /"environments\.a\.url" must be a string/,
    ],
    [
      'a bad url',
      { environments: { a: { url: 'http://x/ws' } } },
      /environments\.a\.url.*not a WebSocket scheme/,
    ],
    [
      'a bad duration',
      { environments: { a: { timeout: 'soon' } } },
      /environments\.a\.timeout.*not a duration/,
    ],
    [
      'a bad auth',
      { environments: { a: { auth: 'cookie' } } },
      /environments\.a\.auth.*not an auth placement/,
    ],
  ])('rejects %s, naming the field', (_, json, message) => {
    expect(() => parseConfigFile('/p/c.json', json)).toThrow(message);
    expect(() => parseConfigFile('/p/c.json', json)).toThrow(UsageError);
  });
});

describe('resolveRunSettings', () => {
  it('defaults to local with the default profile (and so its trigger) and budgets', () => {
    const s = resolveRunSettings({}, {}, null);
    expect(s).toMatchObject({
      env: 'local',
      envDefaulted: true,
      url: 'ws://localhost:8000/ws',
      embedded: false,
      placement: 'header',
      token: { kind: 'none' },
      profiles: [],
      trigger: null,
      agent: 'data_helper',
      budgets: { totalMs: 30_000, firstEventMs: 15_000, connectMs: 10_000, graceMs: 300 },
    });
  });

  it('takes the default environment and its fields from the config file', () => {
    const s = resolveRunSettings({}, { DEV_TOKEN: 'tok-from-env-var' }, config);
    expect(s).toMatchObject({
      env: 'dev',
      envDefaulted: false,
      url: 'ws://dev.internal:9000/ws',
      placement: 'subprotocol',
      trigger: 'start_agent',
      token: { kind: 'literal', token: 'tok-from-env-var', origin: 'DEV_TOKEN' },
    });
    expect(s.budgets.totalMs).toBe(20_000);
  });

  it('lets flags win over env vars and env vars over the config file', () => {
    const env = { WS_VALIDATE_ENV: 'staging', WS_VALIDATE_URL: 'ws://env-var/ws', DEV_TOKEN: 't' };
    expect(resolveRunSettings({}, env, config).url).toBe('ws://env-var/ws');
    expect(resolveRunSettings({}, env, config).env).toBe('staging');
    expect(resolveRunSettings({ url: 'ws://flag/ws' }, env, config).url).toBe('ws://flag/ws');
    expect(resolveRunSettings({ env: 'dev' }, env, config).env).toBe('dev');
  });

  it('picks the token source by precedence: flag, then env var, then config', () => {
    const env = { WS_VALIDATE_TOKEN: 'env-token-123', DEV_TOKEN: 'cfg' };
    expect(
      resolveRunSettings({ env: 'dev', jwtSecret: 's3cret-value' }, env, config).token,
    ).toEqual({
      kind: 'mint',
      secret: 's3cret-value',
      origin: '--jwt-secret',
    });
    expect(resolveRunSettings({ env: 'dev' }, env, config).token).toMatchObject({
      kind: 'literal',
      origin: 'WS_VALIDATE_TOKEN',
    });
    expect(
      resolveRunSettings({ env: 'staging' }, { E2E_OAUTH_SIMULATION_KEY: 'k' }, config).token,
    ).toEqual({
      kind: 'e2e',
      key: 'k',
      authUrl: 'https://auth.staging.netrasystems.ai',
      origin: 'E2E_OAUTH_SIMULATION_KEY',
    });
  });

  it('refuses two token flags at once', () => {
    expect(() => resolveRunSettings({ token: 'a', tokenFile: 'f' }, {}, null)).toThrow(
      'give one token source, not --token and --token-file',
    );
  });

  it('refuses production without --confirm-production, and allows it with', () => {
    expect(() => resolveRunSettings({ env: 'production' }, {}, null)).toThrow(
      expect.objectContaining({ code: 'PRODUCTION_NOT_CONFIRMED', exitCode: 2 }),
    );
    expect(resolveRunSettings({ env: 'production', confirmProduction: true }, {}, null).url).toBe(
      'wss://api.netrasystems.ai/ws',
    );
  });

  it('rejects an unknown environment, listing the known ones', () => {
    expect(() => resolveRunSettings({ env: 'qa' }, {}, null)).toThrow(
      expect.objectContaining({
        code: 'UNKNOWN_ENV',
        hint: expect.stringMatching(/local, staging, production, embedded/) as unknown,
      }),
    );
  });

  it('marks embedded runs and allows --scenario only there', () => {
    expect(resolveRunSettings({ env: 'embedded', scenario: 'drop' }, {}, null)).toMatchObject({
      embedded: true,
      url: null,
      scenario: 'drop',
    });
    expect(() => resolveRunSettings({ env: 'local', scenario: 'drop' }, {}, null)).toThrow(
      /--scenario only applies to --env embedded/,
    );
  });

  it('fails when a configured token env var is empty', () => {
    expect(() => resolveRunSettings({ env: 'dev' }, {}, config)).toThrow(
      /tokenEnv "DEV_TOKEN" is not set/,
    );
  });
});

describe('capBudgets', () => {
  it('caps every budget by the total so a default above --timeout is not an error', () => {
    expect(
      capBudgets({ totalMs: 1000, firstEventMs: 15_000, connectMs: 10_000, graceMs: 300 }),
    ).toEqual({
      totalMs: 1000,
      firstEventMs: 1000,
      connectMs: 1000,
      graceMs: 300,
    });
  });
});

describe('configured environments without a url', () => {
  it('fails with the config file named, unless --url is given', () => {
    const cfg = parseConfigFile('/p/c.json', { environments: { qa: { timeout: '5s' } } });
    expect(() => resolveRunSettings({ env: 'qa' }, {}, cfg)).toThrow(
      expect.objectContaining({
        code: 'NO_URL',
        hint: 'set "url" for it in /p/c.json, or pass --url',
      }),
    );
    expect(resolveRunSettings({ env: 'qa', url: 'ws://x/ws' }, {}, cfg).budgets.totalMs).toBe(5000);
  });
});

describe('--record with --runs', () => {
  it('is refused: a recording holds one session', () => {
    expect(() =>
      resolveRunSettings({ env: 'embedded', record: 'r.ndjson', runs: 3 }, {}, null),
    ).toThrow(expect.objectContaining({ code: 'RECORD_NEEDS_ONE_RUN', exitCode: 2 }));
  });
});

describe('--grace 0', () => {
  it('means no grace period, while a zero total budget stays an error', () => {
    expect(resolveRunSettings({ grace: '0ms' }, {}, null).budgets.graceMs).toBe(0);
    expect(() => resolveRunSettings({ timeout: '0s' }, {}, null)).toThrow(/--timeout/);
  });
});

describe('environment variables that are set but empty', () => {
  it('count as unset', () => {
    const s = resolveRunSettings({}, { WS_VALIDATE_ENV: '', WS_VALIDATE_URL: '' }, null);
    expect(s).toMatchObject({ env: 'local', url: 'ws://localhost:8000/ws', envDefaulted: true });
  });
});

describe('--scenario with --url', () => {
  it('is refused rather than silently ignored', () => {
    expect(() =>
      resolveRunSettings(
        { env: 'embedded', url: 'ws://127.0.0.1:9/ws', scenario: 'drop' },
        {},
        null,
      ),
    ).toThrow(expect.objectContaining({ code: 'SCENARIO_NEEDS_EMBEDDED' }));
    expect(
      resolveRunSettings({ env: 'embedded', url: 'ws://127.0.0.1:9/ws' }, {}, null),
    ).toMatchObject({
      embedded: false,
      url: 'ws://127.0.0.1:9/ws',
    });
  });
});

describe('one file for two outputs', () => {
  it('is refused before anything runs', () => {
    const report = [{ format: 'junit' as const, path: 'out/ws.xml' }];
    expect(() => resolveRunSettings({ report, record: './out/ws.xml' }, {}, null)).toThrow(
      expect.objectContaining({ code: 'OUTPUT_TWICE', exitCode: 2 }),
    );
    expect(() =>
      resolveRunSettings({ report: [...report, { format: 'json', path: 'out/ws.xml' }] }, {}, null),
    ).toThrow(/out\/ws\.xml is given to more than one/);
  });
});

describe('profiles', () => {
  const withProfiles = parseConfigFile('/cfg/ws-validate.config.json', {
    environments: {
      one: { url: 'ws://one/ws', profile: 'bridge' },
      many: { url: 'ws://many/ws', profile: ['canonical', './team-profile'] },
    },
  });

  it('come from --profile, each one, folders relative to the working directory', () => {
    const s = resolveRunSettings(
      { env: 'many', profile: ['flat,frontend', './mine'] },
      {},
      withProfiles,
      '/work',
    );
    expect(s.profiles).toEqual([
      { text: 'flat,frontend', baseDir: '/work', source: '--profile' },
      { text: './mine', baseDir: '/work', source: '--profile' },
    ]);
  });

  it("else from the environment's profile, a name or a list, folders relative to the config file", () => {
    const source = '/cfg/ws-validate.config.json: "environments.many.profile"';
    expect(resolveRunSettings({ env: 'many' }, {}, withProfiles, '/work').profiles).toEqual([
      { text: 'canonical', baseDir: '/cfg', source },
      { text: './team-profile', baseDir: '/cfg', source },
    ]);
    expect(resolveRunSettings({ env: 'one' }, {}, withProfiles).profiles).toEqual([
      { text: 'bridge', baseDir: '/cfg', source: source.replace('many', 'one') },
    ]);
  });
});
