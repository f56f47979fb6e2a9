import { Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { resolveServeSettings, SERVE_OPTIONS } from '../../src/settings/serve-options.js';
import { runCli } from '../helpers/cli.js';

describe('the options of serve', () => {
  it('names every option by the attribute commander gives its flags', () => {
    for (const row of SERVE_OPTIONS) {
      expect(new Option(row.flags).attributeName(), row.flags).toBe(row.key);
    }
  });

  it('applies the defaults of the table', () => {
    expect(resolveServeSettings({})).toEqual({
      host: '127.0.0.1',
      port: 8765,
      protocol: 'netra',
      scenario: 'happy',
      jwtSecret: null,
      stepDelayMs: 200,
      handshake: false,
      maxFrameBytes: 1024 * 1024,
    });
  });

  it('keeps what is given', () => {
    expect(
      resolveServeSettings({
        host: '::1',
        port: 0,
        scenario: 'drop',
        stepDelay: 0,
        jwtSecret: 's',
        maxFrameSize: 2048,
        handshake: true,
      }),
    ).toEqual({
      host: '::1',
      port: 0,
      protocol: 'netra',
      scenario: 'drop',
      jwtSecret: 's',
      stepDelayMs: 0,
      handshake: true,
      maxFrameBytes: 2048,
    });
  });
});

describe('serve with bad values', () => {
  it.each([[''], ['   ']])('refuses --jwt-secret %j as a usage error', async (secret) => {
    const result = await runCli(['serve', '--port', '0', '--jwt-secret', secret]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: --jwt-secret: the secret is empty\nhint: .+\n$/);
  });
});

describe('serve --protocol', () => {
  it('takes the AG-UI scenarios under ag-ui', () => {
    expect(resolveServeSettings({ protocol: 'ag-ui', scenario: 'run_error' })).toMatchObject({
      protocol: 'ag-ui',
      scenario: 'run_error',
    });
    expect(resolveServeSettings({}).protocol).toBe('netra');
  });

  it.each([
    [['--protocol', 'graphql'], /^error: --protocol: "graphql" is not a protocol of the server\n/],
    [
      ['--protocol', 'ag-ui', '--scenario', 'bridge_shape'],
      /^error: --scenario: unknown ag-ui scenario "bridge_shape"\nhint: use one of happy, unclosed_tool, /,
    ],
    [['--scenario', 'run_error'], /^error: --scenario: unknown netra scenario "run_error"\n/],
    [
      ['--protocol', 'ag-ui', '--handshake'],
      /^error: --handshake belongs to the netra protocol, not to ag-ui\n/,
    ],
  ])('refuses %j as a usage error', async (args, message) => {
    const result = await runCli(['serve', '--port', '0', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/\nhint: .+\n$/);
  });
});
