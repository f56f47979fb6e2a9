import { describe, expect, it } from 'vitest';
import { decimalRatio, meetsGate } from '../../src/contract/pass-rate.js';
import { compareToGate, describeGate } from '../../src/report/describe.js';
import { parseRate } from '../../src/settings/parse.js';

describe('parseRate', () => {
  it.each([
    ['98.4%', 0.984],
    ['99.9%', 0.999],
    ['95%', 0.95],
    ['100%', 1],
    ['0.984', 0.984],
    ['1e-3', 0.001],
  ])('reads %s as %d, the decimal written', (text, rate) => {
    expect(parseRate(text, '--min-pass-rate')).toBe(rate);
  });
});

describe('decimalRatio', () => {
  it.each([
    [0.984, 984n, 1000n],
    [1, 1n, 1n],
    [0, 0n, 1n],
    [0.5, 5n, 10n],
    [1e-7, 1n, 10_000_000n],
  ])('reads %d as %d/%d', (rate, num, den) => {
    expect(decimalRatio(rate)).toEqual({ num, den });
  });
});

describe('meetsGate', () => {
  it('passes 123 of 125 runs at 98.4%', () => {
    expect(meetsGate(123, 125, parseRate('98.4%', '--min-pass-rate'))).toBe(true);
    expect(meetsGate(122, 125, parseRate('98.4%', '--min-pass-rate'))).toBe(false);
  });

  // Every pair up to 500 runs whose rate is a whole tenth of a percent, against that gate written
  // as a percentage and as a fraction: the gate holds at the rate and not one pass below it.
  it('agrees with integer arithmetic for every (passes, runs) up to 500 at its own rate', () => {
    const wrong: string[] = [];
    for (let runs = 1; runs <= 500; runs += 1) {
      for (let passes = 1; passes <= runs; passes += 1) {
        if ((passes * 1000) % runs !== 0) continue;
        const permille = (passes * 1000) / runs;
        for (const written of [`${permille / 10}%`, String(permille / 1000)]) {
          const gate = parseRate(written, '--min-pass-rate');
          if (!meetsGate(passes, runs, gate) || meetsGate(passes - 1, runs, gate)) {
            wrong.push(`${passes}/${runs} at ${written}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('compareToGate', () => {
  it.each([
    [19, 20, 0.95, '95.0% ≥ 95.0%'],
    [123, 125, 0.984, '98.4% ≥ 98.4%'],
    [989, 1000, 0.99, '98.9% < 99.0%'],
    [1979, 2000, 0.99, '98.95% < 99.00%'],
    [9_899_999, 10_000_000, 0.99, '98.99999% < 99.00000%'],
    [0, 3, 0.5, '0.0% < 50.0%'],
  ])('%d/%d against %d reads %s', (passed, judged, gate, text) => {
    expect(describeGate(compareToGate(passed, judged, gate))).toBe(text);
  });

  it('never shows a rate below its gate as equal to it', () => {
    const equal: string[] = [];
    for (let runs = 1; runs <= 300; runs += 1) {
      for (let passes = 0; passes <= runs; passes += 1) {
        for (const gate of [0.9, 0.95, 0.99, 0.995, 0.999, 0.984, 1]) {
          const c = compareToGate(passes, runs, gate);
          if (!c.holds && c.rate === c.gate) equal.push(`${passes}/${runs} at ${gate}`);
          if (c.holds !== passes * 1000 >= Math.round(gate * 1000) * runs) {
            equal.push(`${passes}/${runs} at ${gate}: holds ${c.holds}`);
          }
        }
      }
    }
    expect(equal).toEqual([]);
  });
});
