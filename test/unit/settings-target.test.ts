import { describe, expect, it } from 'vitest';
import { parseConfigFile } from '../../src/settings/config-file.js';
import { resolveRunSettings } from '../../src/settings/resolve.js';

const config = parseConfigFile('/p/ws-validate.config.json', {
  environments: {
    prod2: { url: 'wss://agents.internal.example:8443/ws', protected: true },
    dev: { url: 'ws://dev.internal:9000/ws' },
  },
});

describe('a flag outranks an env var in choosing the target', () => {
  const env = { WS_VALIDATE_URL: 'ws://elsewhere.example/ws' };

  it('--env embedded means the embedded server even with WS_VALIDATE_URL exported', () => {
    const s = resolveRunSettings({ env: 'embedded' }, env, null);
    expect(s).toMatchObject({ env: 'embedded', embedded: true, url: null });
    expect(s.warnings).toEqual([
      'WS_VALIDATE_URL is set, but --env embedded names the target; WS_VALIDATE_URL is not used',
    ]);
    // --scenario needs the embedded server, which is what --env embedded gives.
    expect(resolveRunSettings({ env: 'embedded', scenario: 'drop' }, env, null).embedded).toBe(
      true,
    );
  });

  it("--env NAME means that environment's URL; WS_VALIDATE_URL still serves without --env", () => {
    expect(resolveRunSettings({ env: 'dev' }, env, config).url).toBe('ws://dev.internal:9000/ws');
    expect(resolveRunSettings({}, env, config).url).toBe('ws://elsewhere.example/ws');
    expect(resolveRunSettings({}, { ...env, WS_VALIDATE_ENV: 'dev' }, config).url).toBe(
      'ws://elsewhere.example/ws',
    );
  });

  it('--scenario names the env var that gave a URL when the environment came from one too', () => {
    expect(() =>
      resolveRunSettings({ scenario: 'drop' }, { ...env, WS_VALIDATE_ENV: 'embedded' }, null),
    ).toThrow(
      '--scenario only applies to --env embedded without --url (WS_VALIDATE_URL gives a URL)',
    );
  });

  it('--url outranks --env', () => {
    const s = resolveRunSettings({ env: 'embedded', url: 'ws://flag.example/ws' }, env, null);
    expect(s).toMatchObject({ embedded: false, url: 'ws://flag.example/ws', warnings: [] });
  });
});

describe('the production guard', () => {
  it.each([
    ['--url', { url: 'wss://api.netrasystems.ai/ws' }, {}],
    ['--url with another path and case', { url: 'wss://API.netrasystems.ai/api/v1/websocket' }, {}],
    ['WS_VALIDATE_URL', {}, { WS_VALIDATE_URL: 'wss://api.netrasystems.ai/ws?x=1' }],
    [
      '--url on a protected configured host',
      { url: 'wss://agents.internal.example:8443/other' },
      {},
    ],
  ])(
    "refuses %s on a protected environment's host without --confirm-production",
    (_n, flags, env) => {
      expect(() => resolveRunSettings(flags, env, config)).toThrow(
        expect.objectContaining({
          code: 'PRODUCTION_NOT_CONFIRMED',
          message: expect.stringMatching(
            /is the host of "(production|prod2)", which runs real agents/,
          ) as unknown,
          hint: 'add --confirm-production if you mean it',
        }),
      );
      expect(resolveRunSettings({ ...flags, confirmProduction: true }, env, config).url).toMatch(
        /^wss:/,
      );
    },
  );

  it('lets through a host that merely resembles a protected one', () => {
    for (const url of ['wss://api.netrasystems.ai.evil.example/ws', 'wss://internal.example/ws']) {
      expect(resolveRunSettings({ url }, {}, config).url).toBe(url);
    }
  });
});
