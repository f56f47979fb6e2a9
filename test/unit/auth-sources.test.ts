import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/mint.js';
import {
  chooseTokenSource,
  cleanToken,
  fetchToken,
  isPerUser,
  type TokenFetchOptions,
  type TokenSource,
} from '../../src/auth/sources.js';
import type { Environment } from '../../src/settings/environments.js';

const staging: Environment = {
  name: 'staging',
  url: 'wss://api.staging.example/ws',
  authUrl: 'https://auth.staging.example',
  source: 'built-in',
};
const configured: Environment = {
  name: 'dev',
  url: 'ws://dev/ws',
  authUrl: null,
  source: '/p/ws-validate.config.json',
};

describe('cleanToken', () => {
  it.each([
    ['abc.def.ghi', 'abc.def.ghi', false],
    ['  abc.def.ghi\r\n', 'abc.def.ghi', false],
    ['Bearer abc.def.ghi', 'abc.def.ghi', true],
    ['bearer   abc\n', 'abc', true],
    ['Bearerabc', 'Bearerabc', false],
    [' \n', '', false],
  ])('%j -> %j (prefix dropped: %s)', (raw, token, droppedBearer) => {
    expect(cleanToken(raw)).toEqual({ token, droppedBearer });
  });
});

describe('chooseTokenSource', () => {
  it('takes the one token flag, naming it as the origin of a literal token', () => {
    expect(chooseTokenSource({ token: 'abc' }, {}, staging)).toEqual({
      kind: 'literal',
      token: 'abc',
      origin: '--token',
    });
    expect(chooseTokenSource({ tokenFile: 't.txt' }, {}, staging)).toEqual({
      kind: 'file',
      path: 't.txt',
      origin: '--token-file',
    });
    expect(chooseTokenSource({ tokenCommand: 'get-token' }, {}, staging)).toEqual({
      kind: 'command',
      command: 'get-token',
      origin: '--token-command',
    });
    expect(chooseTokenSource({ e2eKey: 'k' }, {}, staging)).toEqual({
      kind: 'e2e',
      key: 'k',
      authUrl: 'https://auth.staging.example',
      origin: '--e2e-key',
    });
  });

  it('refuses two or more token flags, naming them in table order', () => {
    expect(() =>
      chooseTokenSource({ e2eKey: 'k', jwtSecret: 's', tokenCommand: 'c' }, {}, staging),
    ).toThrow(
      expect.objectContaining({
        code: 'TOKEN_SOURCES_CONFLICT',
        message: 'give one token source, not --token-command and --jwt-secret and --e2e-key',
      }),
    );
  });

  it('lets a flag win over the env vars, and the env vars win in their own order', () => {
    const env = { WS_VALIDATE_JWT_SECRET: 'secret', E2E_OAUTH_SIMULATION_KEY: 'key' };
    expect(chooseTokenSource({ tokenFile: 'f' }, env, staging)).toEqual({
      kind: 'file',
      path: 'f',
      origin: '--token-file',
    });
    expect(chooseTokenSource({}, env, staging)).toEqual({
      kind: 'mint',
      secret: 'secret',
      origin: 'WS_VALIDATE_JWT_SECRET',
    });
    expect(chooseTokenSource({}, { ...env, WS_VALIDATE_TOKEN: 'tok' }, staging)).toEqual({
      kind: 'literal',
      token: 'tok',
      origin: 'WS_VALIDATE_TOKEN',
    });
  });

  it('counts an empty env var as unset', () => {
    const env = { WS_VALIDATE_TOKEN: '', WS_VALIDATE_JWT_SECRET: '', E2E_OAUTH_SIMULATION_KEY: '' };
    expect(chooseTokenSource({}, env, staging)).toEqual({ kind: 'none' });
  });

  it('takes the config in the order tokenEnv, tokenFile, tokenCommand, jwtSecretEnv, e2eKeyEnv', () => {
    const all: Environment = {
      ...configured,
      tokenCommand: 'c',
      jwtSecretEnv: 'DEV_SECRET',
      tokenFile: 'f',
    };
    expect(chooseTokenSource({}, { DEV_SECRET: 's' }, all)).toEqual({
      kind: 'file',
      path: 'f',
      origin: '/p/ws-validate.config.json',
    });
    expect(
      chooseTokenSource({}, { DEV_SECRET: 's' }, { ...configured, jwtSecretEnv: 'DEV_SECRET' }),
    ).toEqual({ kind: 'mint', secret: 's', origin: 'DEV_SECRET' });
    expect(chooseTokenSource({}, { DEV_TOKEN: 't' }, { ...all, tokenEnv: 'DEV_TOKEN' })).toEqual({
      kind: 'literal',
      token: 't',
      origin: 'DEV_TOKEN',
    });
  });

  it('refuses a configured env var that is not set, naming the config field', () => {
    expect(() => chooseTokenSource({}, {}, { ...configured, e2eKeyEnv: 'DEV_KEY' })).toThrow(
      expect.objectContaining({
        code: 'TOKEN_ENV_EMPTY',
        message: '/p/ws-validate.config.json: e2eKeyEnv "DEV_KEY" is not set',
        hint: 'export DEV_KEY=... or choose another token source',
      }),
    );
  });

  it('refuses an E2E key for an environment without an auth URL', () => {
    expect(() => chooseTokenSource({}, { E2E_OAUTH_SIMULATION_KEY: 'k' }, configured)).toThrow(
      expect.objectContaining({
        code: 'NO_AUTH_URL',
        message: 'environment "dev" has no auth URL',
      }),
    );
  });
});

function fetchOptions(): TokenFetchOptions & { warnings: string[]; secrets: string[] } {
  const warnings: string[] = [];
  const secrets: string[] = [];
  return {
    timeoutMs: 2_000,
    env: {},
    now: () => new Date('2030-01-01T00:00:00Z'),
    warn: (line) => warnings.push(line),
    addSecret: (secret) => secrets.push(secret),
    warnings,
    secrets,
  };
}

describe('fetchToken', () => {
  it('gives no token for no source', async () => {
    const options = fetchOptions();
    expect(await fetchToken({ kind: 'none' }, 'u', options)).toBeNull();
    expect(options.secrets).toEqual([]);
  });

  it('reads a token file and registers the token as a secret', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ws-validate-sources-'));
    const path = join(dir, 'token');
    await writeFile(path, '  file-token-value\n');
    const options = fetchOptions();
    expect(await fetchToken({ kind: 'file', path, origin: '--token-file' }, 'u', options)).toBe(
      'file-token-value',
    );
    expect(options.secrets).toEqual(['file-token-value']);
  });

  it('mints a token for the user, registering the secret and the token', async () => {
    const options = fetchOptions();
    const source: TokenSource = {
      kind: 'mint',
      secret: 'shared-secret-value',
      origin: '--jwt-secret',
    };
    const token = await fetchToken(source, 'user-2', options);
    expect(decodeJwt(token ?? '')).toMatchObject({
      sub: 'user-2',
      email: 'user-2@ws-validate.test',
    });
    expect(options.secrets).toEqual(['shared-secret-value', token]);
  });

  it('warns when the token has already expired', async () => {
    const expired = await mintToken({
      secret: 's',
      sub: 'u',
      now: Date.parse('2029-12-31T00:00:00Z'),
      ttlSeconds: 60,
    });
    const options = fetchOptions();
    await fetchToken({ kind: 'literal', token: expired, origin: '--token' }, 'u', options);
    expect(options.warnings).toEqual([
      'the token expired at 2029-12-31T00:01:00.000Z; expect an auth failure',
    ]);
  });

  it('treats minted and E2E tokens as per user, the others as shared', () => {
    expect(isPerUser({ kind: 'mint', secret: 's', origin: '--jwt-secret' })).toBe(true);
    expect(isPerUser({ kind: 'e2e', key: 'k', authUrl: 'http://a', origin: '--e2e-key' })).toBe(
      true,
    );
    expect(isPerUser({ kind: 'literal', token: 't', origin: '--token' })).toBe(false);
    expect(isPerUser({ kind: 'file', path: 'f', origin: '--token-file' })).toBe(false);
  });
});
