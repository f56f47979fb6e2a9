import { describe, expect, it } from 'vitest';
import { applyToken } from '../../src/auth/placement.js';
import { parseConfigFile } from '../../src/settings/config-file.js';
import { mergeHeaders, parseHeader } from '../../src/settings/headers.js';
import { parseOrigin } from '../../src/settings/parse.js';
import { resolveRunSettings } from '../../src/settings/resolve.js';
import { isSecretHeaderName } from '../../src/shared/redact.js';
import { secretsIn } from '../../src/cli/secrets.js';
import { UsageError } from '../../src/shared/errors.js';

const CONFIG = '/cfg/ws-validate.config.json';

/** The usage error `run` throws, with its message and hint. */
function usageErrorOf(run: () => unknown): { code: string; message: string; hint?: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const usage = error as UsageError;
    return {
      code: usage.code,
      message: usage.message,
      ...(usage.hint ? { hint: usage.hint } : {}),
    };
  }
  throw new Error('expected a usage error');
}

function configWith(headers: unknown, env: Record<string, unknown> = {}) {
  return parseConfigFile(CONFIG, {
    defaultEnv: 'qa',
    environments: { qa: { url: 'ws://qa.internal/ws', headers, ...env } },
  });
}

describe('--header', () => {
  it.each([
    ['X-Team: agents', { name: 'X-Team', value: 'agents' }],
    ['X-Team:agents', { name: 'X-Team', value: 'agents' }],
    ['  X-Team :  agents  ', { name: 'X-Team', value: 'agents' }],
    ['Cookie: a=1; b=2', { name: 'Cookie', value: 'a=1; b=2' }],
    ['X-Url: https://a.example/x?y=1', { name: 'X-Url', value: 'https://a.example/x?y=1' }],
    ['X-Empty:', { name: 'X-Empty', value: '' }],
  ])('reads %j as a name and a value', (text, expected) => {
    expect(parseHeader(text, '--header')).toEqual(expected);
  });

  it('without a ":" is a usage error that quotes nothing of what was given', () => {
    const error = usageErrorOf(() => parseHeader('X-Api-Key=s3cr3t-value', '--header'));
    expect(error.code).toBe('BAD_HEADER');
    expect(error.message).toBe('--header: a header is "Name: value", and this one has no ":"');
    expect(error.hint).toMatch(/--header 'X-Team: agents'/);
  });

  it.each(['X Team: a', 'X-Té: a', ': a', '(x): a'])('refuses the name of %j', (text) => {
    const error = usageErrorOf(() => parseHeader(text, '--header'));
    expect(error.code).toBe('BAD_HEADER');
    expect(error.message).toMatch(/^--header ".*" is not a header name$/);
  });

  it.each([
    'X-A: line\nbreak',
    'X-A: bell\u0007',
    'X-A: nul\u0000',
    'X-A: euro \u20ac',
    'X-A: a\u2028b',
  ])(
    'refuses a value with a control character or beyond Latin-1 (%j), without quoting it',
    (text) => {
      const error = usageErrorOf(() => parseHeader(text, '--header'));
      expect(error.message).toBe(
        '--header "X-A" has a line break, a control character or a character beyond Latin-1 in its value',
      );
    },
  );

  it.each([
    'Host',
    'host',
    'Upgrade',
    'Connection',
    'Sec-WebSocket-Key',
    'sec-websocket-protocol',
    'Sec-WebSocket-Version',
    'Sec-WebSocket-Extensions',
  ])('refuses %s, which the WebSocket handshake sets', (name) => {
    const error = usageErrorOf(() => parseHeader(`${name}: x`, '--header'));
    expect(error.code).toBe('RESERVED_HEADER');
    expect(error.message).toBe(`--header "${name}" is set by the WebSocket handshake itself`);
    expect(error.hint).toMatch(/--auth subprotocol/);
  });

  it('refuses Origin, pointing at --origin', () => {
    const error = usageErrorOf(() => parseHeader('Origin: https://app.example.com', '--header'));
    expect(error.code).toBe('RESERVED_HEADER');
    expect(error.hint).toMatch(/--origin/);
  });
});

describe('header names that say they hold a secret', () => {
  it.each([
    'Authorization',
    'Proxy-Authorization',
    'Cookie',
    'X-Api-Key',
    'x-apikey',
    'X-Auth-Token',
    'X-Client-Secret',
    'X-Session-Id',
  ])('%s is a secret', (name) => {
    expect(isSecretHeaderName(name)).toBe(true);
  });

  it.each(['X-Team', 'X-Environment', 'User-Agent', 'Accept-Language'])('%s is not', (name) => {
    expect(isSecretHeaderName(name)).toBe(false);
  });
});

describe('mergeHeaders', () => {
  it('lets a later layer replace a header of the same name in any case, in its own casing', () => {
    expect(
      mergeHeaders(
        { Authorization: 'Bearer t', 'X-Environment': 'staging' },
        { 'x-environment': 'staging-eu', 'X-Team': 'agents' },
      ),
    ).toEqual({ Authorization: 'Bearer t', 'x-environment': 'staging-eu', 'X-Team': 'agents' });
  });
});

describe('the X-Environment header', () => {
  it('goes with a token in the Authorization header, naming the environment', () => {
    expect(applyToken('ws://h/ws', 'tok', 'header', 'staging').headers).toEqual({
      Authorization: 'Bearer tok',
      'X-Environment': 'staging',
    });
  });

  it('is not sent when the token goes in a subprotocol or the query', () => {
    expect(applyToken('ws://h/ws', 'tok', 'subprotocol', 'staging').headers).toEqual({});
    expect(applyToken('ws://h/ws', 'tok', 'query', 'staging').headers).toEqual({});
  });
});

describe('"headers" in the config file', () => {
  it('takes strings and {"env": NAME} values', () => {
    const config = configWith({ 'X-Team': 'agents', 'X-Api-Key': { env: 'QA_API_KEY' } });
    expect(config.environments[0]?.headers).toEqual({
      'X-Team': 'agents',
      'X-Api-Key': { env: 'QA_API_KEY' },
    });
  });

  it.each([
    [
      'a list',
      ['X-Team: agents'],
      '"environments.qa.headers" must be an object of header names and values',
    ],
    [
      'a string',
      'X-Team: agents',
      '"environments.qa.headers" must be an object of header names and values',
    ],
    [
      'a number value',
      { 'X-Team': 3 },
      '"environments.qa.headers.X-Team" must be a string, or {"env": "NAME"} to take it from an environment variable',
    ],
    [
      'an object without env',
      { 'X-Api-Key': { value: 'x' } },
      '"environments.qa.headers.X-Api-Key" must be a string, or {"env": "NAME"} to take it from an environment variable',
    ],
    [
      'an empty env name',
      { 'X-Api-Key': { env: '' } },
      '"environments.qa.headers.X-Api-Key" must be a string, or {"env": "NAME"} to take it from an environment variable',
    ],
    ['a bad name', { 'X Team': 'a' }, '"environments.qa.headers.X Team" is not a header name'],
    [
      'a handshake header',
      { Host: 'a' },
      '"environments.qa.headers.Host" is set by the WebSocket handshake itself',
    ],
    [
      'a value with a line break',
      { 'X-Team': 'a\r\nX-Evil: 1' },
      '"environments.qa.headers.X-Team" has a line break, a control character or a character beyond Latin-1 in its value',
    ],
  ])('refuses %s with one error naming the file and the field', (_what, headers, problem) => {
    const error = usageErrorOf(() => configWith(headers));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(`${CONFIG}: ${problem}`);
  });
});

describe('the headers of a run', () => {
  const resolve = (
    flags: Parameters<typeof resolveRunSettings>[0],
    headers: unknown,
    env: Record<string, string> = {},
  ) => resolveRunSettings(flags, env, configWith(headers));

  it("are the environment's, with values from env vars, and --header over them by name", () => {
    const settings = resolve(
      { header: [{ name: 'x-team', value: 'flags' }] },
      { 'X-Team': 'config', 'X-Api-Key': { env: 'QA_API_KEY' } },
      { QA_API_KEY: 'key-from-env-123' },
    );
    expect(settings.headers).toEqual({ 'X-Api-Key': 'key-from-env-123', 'x-team': 'flags' });
  });

  it('refuse a configured env var that is not set, naming it and the field', () => {
    const error = usageErrorOf(() => resolve({}, { 'X-Api-Key': { env: 'QA_API_KEY' } }));
    expect(error.code).toBe('HEADER_ENV_EMPTY');
    expect(error.message).toBe(
      `${CONFIG}: "environments.qa.headers.X-Api-Key" names QA_API_KEY, which is not set`,
    );
    expect(error.hint).toMatch(/export QA_API_KEY=/);
  });

  it('refuse a value from an env var with a line break, without quoting it', () => {
    const error = usageErrorOf(() =>
      resolve({}, { 'X-Api-Key': { env: 'QA_API_KEY' } }, { QA_API_KEY: 'a\nb-secret' }),
    );
    expect(error.message).not.toContain('b-secret');
    expect(error.message).toMatch(/QA_API_KEY/);
  });

  it('warn when --header gives one name twice, and keep the last', () => {
    const settings = resolve(
      {
        header: [
          { name: 'X-Team', value: 'a' },
          { name: 'x-team', value: 'b' },
        ],
      },
      {},
    );
    expect(settings.headers).toEqual({ 'x-team': 'b' });
    expect(settings.warnings).toContain('--header "X-Team" is given twice; the last one counts');
  });

  it('may not replace the Authorization header that carries the token', () => {
    const flags = { token: 'tok-123456789', header: [{ name: 'authorization', value: 'Basic x' }] };
    const error = usageErrorOf(() => resolve(flags, {}));
    expect(error.code).toBe('HEADER_CLASHES_WITH_TOKEN');
    expect(error.message).toBe(
      '--header "authorization" would replace the Authorization header that carries the token',
    );
    expect(error.hint).toMatch(/--auth subprotocol/);
    const configured = usageErrorOf(() =>
      resolve({ token: 'tok-123456789' }, { Authorization: 'x' }),
    );
    expect(configured.message).toBe(
      `${CONFIG}: "environments.qa.headers.Authorization" would replace the Authorization header that carries the token`,
    );
  });

  it('may carry an Authorization header when the token goes elsewhere, or there is none', () => {
    const header = [{ name: 'Authorization', value: 'Basic gateway' }];
    expect(resolve({ token: 'tok-123456789', auth: 'query', header }, {}).headers).toEqual({
      Authorization: 'Basic gateway',
    });
    expect(resolve({ header }, {}).headers).toEqual({ Authorization: 'Basic gateway' });
  });
});

describe('--origin', () => {
  it.each([
    ['https://app.example.com', 'https://app.example.com'],
    ['https://app.example.com/', 'https://app.example.com'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['HTTPS://App.Example.COM:443', 'https://app.example.com'],
  ])('takes %s as the origin %s', (text, origin) => {
    expect(parseOrigin(text, '--origin')).toBe(origin);
  });

  it.each([
    ['app.example.com', /is not a URL/],
    ['ftp://app.example.com', /http:\/\/ or https:\/\//],
    ['https://app.example.com/page', /scheme, host and port only/],
    ['https://app.example.com?x=1', /scheme, host and port only/],
    ['https://user:pw-secret@app.example.com', /scheme, host and port only/],
  ])('refuses %s', (text, message) => {
    const error = usageErrorOf(() => parseOrigin(text, '--origin'));
    expect(error.code).toBe('BAD_ORIGIN');
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('pw-secret');
  });

  it("comes from the flag, else the environment's config field", () => {
    const config = configWith({}, { origin: 'https://qa.example.com' });
    expect(resolveRunSettings({}, {}, config).origin).toBe('https://qa.example.com');
    expect(resolveRunSettings({ origin: 'https://flag.example.com' }, {}, config).origin).toBe(
      'https://flag.example.com',
    );
    expect(resolveRunSettings({}, {}, null).origin).toBeNull();
  });
});

describe('secret header values on the command line', () => {
  it('are known before anything is parsed, in every way commander reads --header', () => {
    const argv = [
      '-H',
      'X-Api-Key: a1',
      '--header=Cookie: b2',
      '-HX-Token: c3',
      '--header',
      'X-Team: d4',
    ];
    expect(secretsIn(argv, {})).toEqual(['a1', 'b2', 'c3']);
  });
});

describe('a header named __proto__', () => {
  it('is a header like any other, not the prototype of the headers', () => {
    const merged = mergeHeaders(JSON.parse('{"__proto__": "a"}') as Record<string, string>);
    expect(Object.keys(merged)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
  });
});
