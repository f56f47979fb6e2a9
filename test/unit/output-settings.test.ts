import { describe, expect, it } from 'vitest';
import { resolveOutput } from '../../src/settings/output.js';
import { resolveRunSettings } from '../../src/settings/resolve.js';

describe('resolveOutput, shared by run and check', () => {
  it('prints the human report, colour decided later, with step summary and annotations', () => {
    expect(resolveOutput({})).toEqual({
      output: { json: false, quiet: false, color: null, verbose: false },
      reports: [],
      stepSummary: true,
      annotations: true,
    });
  });

  it('follows the flags, --no-* ones included', () => {
    const report = [{ format: 'junit' as const, path: 'r.xml' }];
    const flags = {
      json: true,
      quiet: true,
      color: false,
      verbose: true,
      report,
      stepSummary: false,
      annotations: false,
    };
    const expected = {
      output: { json: true, quiet: true, color: false, verbose: true },
      reports: report,
      stepSummary: false,
      annotations: false,
    };
    expect(resolveOutput(flags)).toEqual(expected);
    expect(resolveRunSettings(flags, {}, null)).toMatchObject(expected);
  });
});
