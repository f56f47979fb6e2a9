import { describe, expect, it } from 'vitest';
import { LIBRARY_OPTIONS, toRunFlags } from '../../src/api/options.js';
import { RUN_OPTIONS } from '../../src/settings/options.js';

describe('library options', () => {
  it('are the run options in the table, less the switches that only shape terminal output', () => {
    const keys = LIBRARY_OPTIONS.map((row) => row.key);
    expect(keys).toEqual(
      expect.arrayContaining(['url', 'token', 'jwtSecret', 'timeout', 'report']),
    );
    expect(keys).not.toEqual(expect.arrayContaining(['json']));
    for (const left of ['json', 'quiet', 'color', 'verbose', 'stepSummary', 'annotations']) {
      expect(keys).not.toContain(left);
    }
    expect(keys.length).toBe(RUN_OPTIONS.length - 6);
  });

  it('turn numbers into the text the command line parses: durations are milliseconds', () => {
    expect(
      toRunFlags({ timeout: 1500, grace: 0, runs: 3, minPassRate: 0.5, maxFrameSize: 2048 }),
    ).toEqual({ timeout: '1500ms', grace: '0ms', runs: 3, minPassRate: 0.5, maxFrameSize: 2048 });
  });

  it('parse what the command line parses as it reads, and keep layered values as text', () => {
    expect(
      toRunFlags({ report: ['junit=a.xml'], retries: '2', timeout: '30s', auth: 'query' }),
    ).toEqual({
      report: [{ format: 'junit', path: 'a.xml' }],
      retries: 2,
      timeout: '30s',
      auth: 'query',
    });
  });

  it('parse each header as --header does, and keep the origin as text', () => {
    expect(
      toRunFlags({ header: ['X-Team: agents', 'X-Trace:  1 '], origin: 'https://a.example' }),
    ).toEqual({
      header: [
        { name: 'X-Team', value: 'agents' },
        { name: 'X-Trace', value: '1' },
      ],
      origin: 'https://a.example',
    });
  });

  it('parse the proxy URL as --proxy does', () => {
    expect(toRunFlags({ proxy: 'proxy.corp:3128' })).toEqual({ proxy: 'http://proxy.corp:3128/' });
  });

  it('skip options given as undefined', () => {
    expect(toRunFlags({ url: undefined, insecure: true })).toEqual({ insecure: true });
  });

  it.each([
    [{ retries: 1.5 }, /retries: "1.5" is not a whole number/],
    [{ agent: 5 }, /option "agent" must be a string, not number/],
    [{ report: [1] }, /option "report" must be a list of strings/],
    [{ insecure: 1 }, /option "insecure" must be true or false, not number/],
    [{ jwt_secret: 'x' }, /unknown option "jwt_secret"/],
    [{ header: 'X-Team: agents' }, /option "header" must be a list of strings, not string/],
    [{ header: ['Host: evil.example'] }, /set by the WebSocket handshake/],
    [{ proxy: 'socks5://proxy.corp:1080' }, /is not an http:\/\/ or https:\/\/ proxy URL/],
  ])('refuse %j', (options, message) => {
    expect(() => toRunFlags(options)).toThrow(message);
  });

  it('refuse an option of the table that the caller does not take', () => {
    expect(() => toRunFlags({ url: 'ws://x/ws' }, ['schemas', 'report'])).toThrow(
      /unknown option "url"/,
    );
  });
});
