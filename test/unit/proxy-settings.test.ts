import { describe, expect, it } from 'vitest';
import { secretsIn, secretsOf } from '../../src/cli/secrets.js';
import { chooseProxy, parseProxyUrl } from '../../src/settings/proxy.js';
import { resolveRunSettings } from '../../src/settings/resolve.js';
import { UsageError } from '../../src/shared/errors.js';
import { createRedactor, urlCredentials } from '../../src/shared/redact.js';

const HTTPS = { HTTPS_PROXY: 'http://secure-proxy:3128' };
const HTTP = { HTTP_PROXY: 'http://plain-proxy:3128' };

describe('the proxy of a connection', () => {
  it.each([
    ['wss://agents.example/ws', 'http://secure-proxy:3128/', 'HTTPS_PROXY'],
    ['https://auth.example', 'http://secure-proxy:3128/', 'HTTPS_PROXY'],
    ['ws://agents.example/ws', 'http://plain-proxy:3128/', 'HTTP_PROXY'],
    ['http://auth.example', 'http://plain-proxy:3128/', 'HTTP_PROXY'],
  ])('for %s is %s, from %s', (target, url, source) => {
    expect(chooseProxy(target, undefined, { ...HTTPS, ...HTTP })).toEqual({ url, source });
  });

  it('is none when the variable of its scheme is not set, or set but empty', () => {
    expect(chooseProxy('wss://agents.example/ws', undefined, HTTP)).toBeNull();
    expect(chooseProxy('ws://agents.example/ws', undefined, HTTPS)).toBeNull();
    expect(chooseProxy('wss://agents.example/ws', undefined, { HTTPS_PROXY: '' })).toBeNull();
  });

  it('comes from the lower-case variable before the upper-case one', () => {
    const env = { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' };
    expect(chooseProxy('wss://a.example/ws', undefined, env)).toEqual({
      url: 'http://lower:1/',
      source: 'https_proxy',
    });
  });

  it('is --proxy when given, for every scheme', () => {
    const flag = parseProxyUrl('http://flag-proxy:8080', '--proxy');
    for (const target of ['wss://a.example/ws', 'ws://a.example/ws', 'https://auth.example']) {
      expect(chooseProxy(target, flag, { ...HTTPS, ...HTTP })).toEqual({
        url: 'http://flag-proxy:8080/',
        source: '--proxy',
      });
    }
  });

  it('takes host:port without a scheme as an http:// proxy', () => {
    expect(
      chooseProxy('wss://a.example/ws', undefined, { HTTPS_PROXY: 'corp-proxy:3128' }),
    ).toEqual({ url: 'http://corp-proxy:3128/', source: 'HTTPS_PROXY' });
  });

  it.each([
    ['agents.example', 'wss://agents.example/ws', true],
    ['agents.example', 'wss://eu.agents.example/ws', true],
    ['agents.example', 'wss://notagents.example/ws', false],
    ['.agents.example', 'wss://eu.agents.example/ws', true],
    ['.agents.example', 'wss://agents.example/ws', true],
    ['*.agents.example', 'wss://eu.agents.example/ws', true],
    ['AGENTS.example', 'wss://Agents.Example/ws', true],
    ['agents.example:443', 'wss://agents.example/ws', true],
    ['agents.example:8443', 'wss://agents.example/ws', false],
    ['agents.example:8443', 'wss://agents.example:8443/ws', true],
    ['other.example, agents.example', 'wss://agents.example/ws', true],
    ['other.example agents.example', 'wss://agents.example/ws', true],
    ['*', 'wss://agents.example/ws', true],
    ['127.0.0.1', 'ws://127.0.0.1:8000/ws', true],
    ['0.0.1', 'ws://127.0.0.1:8000/ws', false],
    ['localhost', 'ws://127.0.0.1:8000/ws', false],
    ['::1', 'ws://[::1]:8000/ws', true],
    ['[::1]:8000', 'ws://[::1]:8000/ws', true],
    ['[::1]:9000', 'ws://[::1]:8000/ws', false],
    ['', 'wss://agents.example/ws', false],
  ])('NO_PROXY=%j: %s goes direct: %s', (noProxy, target, direct) => {
    const env = { HTTPS_PROXY: 'http://p:1', HTTP_PROXY: 'http://p:1', NO_PROXY: noProxy };
    expect(chooseProxy(target, undefined, env) === null).toBe(direct);
  });

  it('honours no_proxy in lower case, and NO_PROXY for --proxy too', () => {
    expect(
      chooseProxy('wss://a.example/ws', undefined, { ...HTTPS, no_proxy: 'a.example' }),
    ).toBeNull();
    const flag = parseProxyUrl('http://flag-proxy:8080', '--proxy');
    expect(chooseProxy('wss://a.example/ws', flag, { NO_PROXY: 'a.example' })).toBeNull();
  });
});

describe('a proxy URL that cannot be used', () => {
  it.each([
    ['socks5://user:pw-secret-1@socks:1080', 'socks5://user:***@socks:1080'],
    ['http://user:pw-secret-1@', 'http://user:***@'],
    ['ftp://proxy:21', 'ftp://proxy:21'],
  ])('%s is a usage error that masks its credentials', (text, shown) => {
    let error: unknown;
    try {
      chooseProxy('wss://a.example/ws', undefined, { HTTPS_PROXY: text });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    const { code, message, hint } = error as UsageError;
    expect(code).toBe('BAD_PROXY');
    expect(message).toContain(`HTTPS_PROXY: "${shown}"`);
    expect(message).not.toContain('pw-secret-1');
    expect(hint).toMatch(/http:\/\/host:port/);
  });

  it('in a variable that this connection does not use is no error', () => {
    expect(chooseProxy('wss://a.example/ws', undefined, { HTTP_PROXY: 'socks5://s:1' })).toBeNull();
  });
});

describe('the proxies of a run', () => {
  it('are those of its WebSocket URL and its E2E token request', () => {
    const settings = resolveRunSettings(
      { env: 'staging', url: 'wss://agents.example/ws', e2eKey: 'e2e-key-123456' },
      { HTTPS_PROXY: 'http://p:3128', NO_PROXY: 'agents.example' },
      null,
    );
    expect(settings.proxy).toEqual({
      ws: null,
      auth: { url: 'http://p:3128/', source: 'HTTPS_PROXY' },
    });
  });

  it('are none for --env embedded, which runs on loopback; a --proxy flag is warned about', () => {
    const env = { HTTPS_PROXY: 'http://p:3128', HTTP_PROXY: 'http://p:3128' };
    const quiet = resolveRunSettings({ env: 'embedded' }, env, null);
    expect(quiet.proxy).toEqual({ ws: null, auth: null });
    expect(quiet.warnings).toEqual([]);
    const flagged = resolveRunSettings(
      { env: 'embedded', proxy: parseProxyUrl('http://p:3128', '--proxy') },
      env,
      null,
    );
    expect(flagged.proxy).toEqual({ ws: null, auth: null });
    expect(flagged.warnings).toEqual([
      '--env embedded runs on this machine, without a proxy; --proxy is not used',
    ]);
  });
});

describe('credentials in a proxy URL', () => {
  it('are the password, and the user with it as Proxy-Authorization carries them', () => {
    expect(urlCredentials('http://alice:s%40cret-pw@proxy:3128')).toEqual([
      's@cret-pw',
      'alice:s@cret-pw',
    ]);
    expect(urlCredentials('http://lone-token-user@proxy:3128')).toEqual(['lone-token-user']);
    expect(urlCredentials('http://proxy:3128')).toEqual([]);
    expect(urlCredentials('not a url')).toEqual([]);
  });

  it('are known before anything is parsed, from --proxy and every proxy variable', () => {
    const secrets = secretsIn(['--proxy', 'http://u:flag-password@p:1'], {
      HTTPS_PROXY: 'http://u:upper-password@p:1',
      http_proxy: 'http://u:lower-password@p:1',
    });
    expect(secrets).toEqual(
      expect.arrayContaining(['flag-password', 'upper-password', 'lower-password']),
    );
  });

  it('are masked wherever a URL with them stands in a text', () => {
    const redact = createRedactor([]);
    expect(redact('connect to http://alice:pw-1234@proxy:3128 failed')).toBe(
      'connect to http://alice:***@proxy:3128 failed',
    );
  });
});

describe('credentials in a proxy variable without a scheme', () => {
  it('are known to the run command from the start, as to every other', () => {
    const env = { HTTPS_PROXY: 'proxy-user:bare-password-77@corp-proxy:3128' };
    expect(secretsOf({}, env)).toEqual(expect.arrayContaining(['bare-password-77']));
    expect(secretsIn([], env)).toEqual(expect.arrayContaining(['bare-password-77']));
  });
});
