import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/shared/errors.js';
import {
  parseCount,
  parseDuration,
  parsePlacement,
  parseRate,
  parseReportTarget,
  parseSize,
  parseWsUrl,
} from '../../src/settings/parse.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['15s', 15_000],
    ['1.5s', 1_500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    [' 30S ', 30_000],
  ])('%s -> %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '15', 'abc', '-1s', '0s', '5 days', '1.2.3s'])('rejects %j', (text) => {
    expect(() => parseDuration(text, '--timeout')).toThrow(UsageError);
  });

  it('names the flag and gives a hint', () => {
    try {
      parseDuration('soon', '--grace');
      expect.unreachable();
    } catch (error) {
      expect((error as UsageError).message).toBe('--grace: "soon" is not a duration');
      expect((error as UsageError).hint).toMatch(/500ms, 15s or 2m/);
      expect((error as UsageError).exitCode).toBe(2);
    }
  });
});

describe('parseSize', () => {
  it.each([
    ['1048576', 1_048_576],
    ['16MiB', 16 * 1024 * 1024],
    ['512KiB', 512 * 1024],
    ['10mb', 10_000_000],
    ['1k', 1024],
  ])('%s -> %d bytes', (text, bytes) => expect(parseSize(text)).toBe(bytes));

  it.each(['', '0', 'big', '12parsecs', '-5'])('rejects %j', (text) => {
    expect(() => parseSize(text)).toThrow(UsageError);
  });
});

describe('parseCount / parseRate / parsePlacement', () => {
  it.each([
    ['3', 3],
    [' 10 ', 10],
  ])('count %j -> %d', (text, n) => expect(parseCount(text, '--runs')).toBe(n));
  it.each(['0', '1.5', 'x', '-2', '2000000'])('count rejects %j', (text) => {
    expect(() => parseCount(text, '--runs')).toThrow(/--runs/);
  });
  it('count accepts zero when the minimum is zero', () => {
    expect(parseCount('0', '--retries', 0)).toBe(0);
  });
  it.each([
    ['0.95', 0.95],
    ['1', 1],
    ['0', 0],
    ['95%', 0.95],
  ])('rate %j -> %d', (text, r) => expect(parseRate(text, '--min-pass-rate')).toBeCloseTo(r));
  it.each(['1.5', '-0.1', '', 'most', '120%'])('rate rejects %j', (text) => {
    expect(() => parseRate(text, '--min-pass-rate')).toThrow(UsageError);
  });
  it.each(['header', 'subprotocol', 'query'])('placement %s', (p) => {
    expect(parsePlacement(p)).toBe(p);
  });
  it('placement rejects others', () => {
    expect(() => parsePlacement('cookie')).toThrow(
      expect.objectContaining({ hint: 'use one of header, subprotocol, query' }),
    );
  });
});

describe('parseReportTarget', () => {
  it('splits format and path at the first =', () => {
    expect(parseReportTarget('junit=out/a=b.xml')).toEqual({
      format: 'junit',
      path: 'out/a=b.xml',
    });
  });
  it.each(['junit', '=x.xml', 'junit=', 'html=r.html'])('rejects %j', (text) => {
    expect(() => parseReportTarget(text)).toThrow(UsageError);
  });
});

describe('parseWsUrl', () => {
  it.each(['ws://localhost:8000/ws', 'wss://api.example.com/ws?x=1'])('accepts %s', (url) => {
    expect(parseWsUrl(url)).toBe(new URL(url).toString());
  });
  it('rejects http with a hint', () => {
    expect(() => parseWsUrl('https://api.example.com/ws')).toThrow(
      /https:\/\/ is not a WebSocket scheme/,
    );
  });
  it('rejects text that is not a URL', () => {
    expect(() => parseWsUrl('api.example.com')).toThrow(/is not a URL/);
  });
});

describe('parseDuration with zero allowed', () => {
  it.each([
    ['0', 0],
    ['0ms', 0],
    ['0s', 0],
    ['250ms', 250],
  ])('%s -> %d ms', (text, ms) =>
    expect(parseDuration(text, '--grace', { allowZero: true })).toBe(ms),
  );
  it('still rejects negative and unit-less non-zero values', () => {
    expect(() => parseDuration('-1ms', '--grace', { allowZero: true })).toThrow(UsageError);
    expect(() => parseDuration('5', '--grace', { allowZero: true })).toThrow(UsageError);
  });
});

describe('parseDuration upper bound', () => {
  it('accepts up to 24 days and refuses what timers cannot wait for', () => {
    expect(parseDuration('24h', '--timeout')).toBe(86_400_000);
    expect(() => parseDuration('600h', '--timeout')).toThrow('--timeout: "600h" is too long');
    expect(() => parseDuration('2147483648ms', '--timeout')).toThrow(UsageError);
  });
});
