import { Option } from 'commander';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { parseConfigFile, type ConfiguredEnvironment } from '../../src/settings/config-file.js';
import {
  flagNames,
  helpText,
  longFlag,
  type ConfiguredHeaders,
  type OptionRow,
} from '../../src/settings/option-row.js';
import type { GivenHeader } from '../../src/settings/headers.js';
import {
  CONFIG_FILE_NAME,
  defaultOf,
  OPTIONS,
  optionOf,
  pickOptions,
  RUN_OPTIONS,
  type ConfigFields,
  type RunFlags,
} from '../../src/settings/options.js';
import type { ReportTarget } from '../../src/settings/parse.js';
import { SECRET_ENV_VARS, SECRET_FLAGS, secretsIn } from '../../src/cli/secrets.js';
import { runCli } from '../helpers/cli.js';
import { buildProgram } from '../../src/cli/program.js';

const ROWS: readonly OptionRow[] = OPTIONS;
const CONFIG_ROWS = ROWS.filter((row) => row.config !== undefined);

// A value each config field accepts, written by hand.
const GOOD_VALUES: Readonly<Record<string, string | boolean | string[] | ConfiguredHeaders>> = {
  url: 'ws://qa.internal:9000/ws',
  authUrl: 'http://qa.internal:8081',
  protected: true,
  tokenEnv: 'QA_TOKEN',
  tokenFile: 'qa.token',
  tokenCommand: 'print-qa-token',
  jwtSecretEnv: 'QA_JWT_SECRET',
  e2eKeyEnv: 'QA_E2E_KEY',
  user: 'qa-user',
  auth: 'query',
  trigger: 'start_agent',
  handshake: 'on',
  message: 'hello',
  agent: 'qa_helper',
  timeout: '20s',
  firstEventTimeout: '5s',
  connectTimeout: '2s',
  grace: '0',
  profile: ['canonical', './qa-profile'],
  schemas: 'qa-schemas',
  headers: { 'X-Team': 'qa', 'X-Api-Key': { env: 'QA_API_KEY' } },
  origin: 'https://qa.example.com',
};

// Each JSON type as errors name it, and a value of another type.
const JSON_TYPES = {
  string: { name: 'a string', wrong: true },
  boolean: { name: 'a boolean', wrong: 'yes' },
  strings: { name: 'a string or a list of strings', wrong: [1] },
  headers: { name: 'an object of header names and values', wrong: ['X-Team: qa'] },
} as const;

describe('the option table', () => {
  it('names every flag option by the attribute commander gives its flags', () => {
    for (const row of RUN_OPTIONS) {
      expect(new Option(row.flags).attributeName(), row.flags).toBe(row.key);
    }
  });

  it('declares every key once', () => {
    const keys = ROWS.map((row) => row.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('has exactly the config-file fields environments had', () => {
    expect(CONFIG_ROWS.map((row) => row.key).sort()).toEqual(Object.keys(GOOD_VALUES).sort());
  });

  it('gives the env vars the tool has always read', () => {
    const vars = Object.fromEntries(ROWS.flatMap((row) => (row.env ? [[row.key, row.env]] : [])));
    expect(vars).toEqual({
      env: 'WS_VALIDATE_ENV',
      url: 'WS_VALIDATE_URL',
      token: 'WS_VALIDATE_TOKEN',
      jwtSecret: 'WS_VALIDATE_JWT_SECRET',
      e2eKey: 'E2E_OAUTH_SIMULATION_KEY',
      handshake: 'WS_VALIDATE_HANDSHAKE',
    });
  });

  it('parses its defaults into the values a run uses', () => {
    expect(defaultOf('timeout')).toBe(30_000);
    expect(defaultOf('firstEventTimeout')).toBe(15_000);
    expect(defaultOf('connectTimeout')).toBe(10_000);
    expect(defaultOf('grace')).toBe(300);
    expect(defaultOf('maxFrameSize')).toBe(16 * 1024 * 1024);
    expect(defaultOf('auth')).toBe('header');
    expect(defaultOf('handshake')).toBe('auto');
    expect(defaultOf('retries')).toBe(0);
    expect(defaultOf('minPassRate')).toBe(1);
    expect(defaultOf('user')).toBe('ws-validate-user');
  });

  it('picks the options of a subcommand by key, refusing a key it does not have', () => {
    expect(pickOptions('schemas', 'color').map((row) => row.flags)).toEqual([
      '--schemas <dir>',
      '--no-color',
    ]);
    expect(() => optionOf('nope' as 'env')).toThrow('no option nope');
  });
});

describe("commander's options derived from the table", () => {
  it('parse a flag-only value as they read it and keep the others as text', async () => {
    const io = { stdout: { write: () => true }, stderr: { write: () => true }, env: {}, cwd: '/' };
    const program = buildProgram(io, { code: 0 }).action(() => undefined);
    const argv = ['--runs', '3', '--max-frame-size', '1KiB', '--auth', 'query', '--timeout', '5s'];
    const repeated = ['--report', 'junit=a.xml', '--report=json=b.json', '--no-color'];
    await program.parseAsync([...argv, ...repeated], { from: 'user' });
    expect(program.opts()).toMatchObject({
      runs: 3,
      maxFrameSize: 1024,
      report: [
        { format: 'junit', path: 'a.xml' },
        { format: 'json', path: 'b.json' },
      ],
      auth: 'query',
      timeout: '5s',
      color: false,
    });
  });
});

describe('help text derived from the table', () => {
  it('shows the default after the help, and says when an option repeats', () => {
    expect(helpText(optionOf('timeout'))).toBe('total budget, e.g. 30s (default: 30s)');
    expect(helpText(optionOf('auth'))).toBe(
      'where the token goes: header, subprotocol or query (default: header)',
    );
    expect(helpText(optionOf('config'))).toBe(
      'config file (default: ./ws-validate.config.json when present)',
    );
    expect(helpText(optionOf('report'))).toBe(
      'also write a report: junit, json or markdown (repeatable)',
    );
    // Long enough to drown the help; the README gives it.
    expect(helpText(optionOf('message'))).toBe('the request sent to the agent');
    expect(CONFIG_FILE_NAME).toBe('ws-validate.config.json');
  });

  it('lists every flag option in --help with its derived text', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    const flat = stdout.replace(/\s+/g, ' ');
    for (const row of RUN_OPTIONS) expect(flat).toContain(`${row.flags} ${helpText(row)}`);
  });
});

describe('config-file validation derived from the table', () => {
  it.each(CONFIG_ROWS.map((row) => [row.key, row] as const))(
    'accepts "%s" with its JSON type',
    (key, row) => {
      const value = GOOD_VALUES[key];
      const isObject = row.config === 'strings' || row.config === 'headers';
      expect(typeof value).toBe(isObject ? 'object' : row.config);
      const config = parseConfigFile('/p/c.json', { environments: { qa: { [key]: value } } });
      // A relative path in the file is a path from the file's folder (a named trigger is no path).
      const isPath = row.file === true && typeof value === 'string' && value !== 'start_agent';
      const kept = isPath ? `/p/${value}` : value;
      expect(config.environments[0]).toEqual({ name: 'qa', source: '/p/c.json', [key]: kept });
    },
  );

  it.each(CONFIG_ROWS.map((row) => [row.key, row] as const))(
    'refuses "%s" with the other JSON type',
    (key, row) => {
      const { name, wrong } = JSON_TYPES[row.config ?? 'string'];
      expect(() =>
        parseConfigFile('/p/c.json', { environments: { qa: { [key]: wrong } } }),
      ).toThrow(`/p/c.json: "environments.qa.${key}" must be ${name}`);
    },
  );

  it.each(CONFIG_ROWS.filter((row) => row.parse).map((row) => [row.key]))(
    'checks the value of "%s" with its parser, naming the field',
    (key) => {
      expect(() =>
        parseConfigFile('/p/c.json', { environments: { qa: { [key]: 'nonsense' } } }),
      ).toThrow(new RegExp(`^/p/c\\.json: "environments\\.qa\\.${key}": `));
    },
  );

  it.each(['uri', 'json', 'runs', 'token', 'toString', 'constructor', '__proto__'])(
    'refuses the unknown field "%s"',
    (key) => {
      const json = JSON.parse(`{"environments":{"qa":{"${key}":"x"}}}`) as unknown;
      expect(() => parseConfigFile('/p/c.json', json)).toThrow(
        `/p/c.json: "environments.qa.${key}" is not a known field`,
      );
    },
  );
});

describe('secrets derived from the table', () => {
  it('are the token, the JWT secret and the E2E key, as flags and env vars', () => {
    expect(SECRET_FLAGS).toEqual(['--token', '--jwt-secret', '--e2e-key']);
    expect(SECRET_ENV_VARS).toEqual([
      'WS_VALIDATE_TOKEN',
      'WS_VALIDATE_JWT_SECRET',
      'E2E_OAUTH_SIMULATION_KEY',
    ]);
  });

  const secretRows = RUN_OPTIONS.filter((row) => row.secret);

  it.each(secretRows.map((row) => [longFlag(row), row] as const))(
    'finds the value of %s in argv, as a separate or an attached argument',
    (flag, row) => {
      expect(secretsIn([flag, 'sep-value-123'], {})).toEqual(['sep-value-123']);
      expect(secretsIn([`${flagNames(row)[0]}=att-value-123`], {})).toEqual(['att-value-123']);
    },
  );

  it.each(secretRows.map((row) => [longFlag(row)]))(
    'masks the value of %s in an error that quotes it',
    async (flag) => {
      const secret = 'not-a-url-but-a-secret';
      const { code, stderr } = await runCli([flag, secret, '--url', secret]);
      expect(code).toBe(2);
      expect(stderr).toContain('error: --url: "***" is not a URL');
      expect(stderr).not.toContain(secret);
    },
  );

  it.each(SECRET_ENV_VARS.map((name) => [name]))(
    'masks the value of %s in an error that quotes it',
    async (name) => {
      const secret = 'not-a-url-but-a-secret';
      const { code, stderr } = await runCli(['--url', secret], { env: { [name]: secret } });
      expect(code).toBe(2);
      expect(stderr).not.toContain(secret);
    },
  );
});

describe('types derived from the table', () => {
  it('RunFlags: text where an env var or the config file may also give it, else parsed', () => {
    expectTypeOf<RunFlags>().toEqualTypeOf<{
      env?: string;
      url?: string;
      config?: string;
      confirmProduction?: boolean;
      scenario?: string;
      ca?: string;
      insecure?: boolean;
      header?: GivenHeader[];
      origin?: string;
      proxy?: string;
      token?: string;
      tokenFile?: string;
      tokenCommand?: string;
      jwtSecret?: string;
      e2eKey?: string;
      user?: string;
      auth?: string;
      trigger?: string;
      handshake?: string;
      message?: string;
      agent?: string;
      timeout?: string;
      firstEventTimeout?: string;
      connectTimeout?: string;
      grace?: string;
      retries?: number;
      profile?: string[];
      schemas?: string;
      maxFrameSize?: number;
      json?: boolean;
      quiet?: boolean;
      color?: boolean;
      verbose?: boolean;
      report?: ReportTarget[];
      record?: string;
      stepSummary?: boolean;
      annotations?: boolean;
      runs?: number;
      concurrency?: number;
      users?: number;
      minPassRate?: number;
    }>();
  });

  it('ConfigFields: one field per config key, with its JSON type', () => {
    expectTypeOf<ConfigFields>().toEqualTypeOf<{
      url?: string;
      authUrl?: string;
      protected?: boolean;
      tokenEnv?: string;
      tokenFile?: string;
      tokenCommand?: string;
      jwtSecretEnv?: string;
      e2eKeyEnv?: string;
      user?: string;
      auth?: string;
      trigger?: string;
      handshake?: string;
      message?: string;
      agent?: string;
      timeout?: string;
      firstEventTimeout?: string;
      connectTimeout?: string;
      grace?: string;
      profile?: string | string[];
      schemas?: string;
      headers?: ConfiguredHeaders;
      origin?: string;
    }>();
    expectTypeOf<ConfiguredEnvironment['protected']>().toEqualTypeOf<boolean | undefined>();
  });
});
