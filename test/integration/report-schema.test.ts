import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../src/server/index.js';
import { buildReportSchema } from '../../src/report/report-schema.js';
import { runCli } from '../helpers/cli.js';

// ajv-formats is CommonJS: its default export is the plugin under Node's ESM interop.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const validateReport = ajv.compile(buildReportSchema());

/** The schema's complaints about one `--json` document; an empty list when it conforms. */
function problems(stdout: string): string[] {
  const report: unknown = JSON.parse(stdout);
  if (validateReport(report)) return [];
  return (validateReport.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

// Short budgets: the scenarios that stall or trickle end as timeouts within a few seconds.
const BUDGETS = ['--timeout', '3s', '--first-event-timeout', '1500ms', '--grace', '50ms'];

describe.concurrent('the --json report conforms to report.schema.json', () => {
  it.each(SCENARIOS.map((s) => s.name))('of one run of the scenario %s', async (scenario) => {
    const result = await runCli([
      '--env',
      'embedded',
      '--scenario',
      scenario,
      '--json',
      ...BUDGETS,
    ]);
    expect(result.stdout).not.toBe('');
    expect(problems(result.stdout)).toEqual([]);
  });

  it('of a run judged by every built-in profile', async () => {
    const result = await runCli(['--env', 'embedded', '--profile', 'all', '--json', ...BUDGETS]);
    const report = JSON.parse(result.stdout) as { profiles: unknown[] };
    expect(report.profiles.length).toBeGreaterThan(1);
    expect(problems(result.stdout)).toEqual([]);
  });

  it.each([
    ['passing', 'happy'],
    ['failing', 'missing_agent_thinking'],
    ['with no run judged', 'http_401'],
  ])('of repeated runs, %s', async (_name, scenario) => {
    const result = await runCli([
      ...['--env', 'embedded', '--scenario', scenario, '--runs', '3', '--concurrency', '3'],
      ...['--json', ...BUDGETS],
    ]);
    expect(problems(result.stdout)).toEqual([]);
  });

  it('of a recording checked offline', async () => {
    const recording = new URL('../fixtures/recordings/happy.ndjson', import.meta.url).pathname;
    const result = await runCli(['check', recording, '--json']);
    expect(problems(result.stdout)).toEqual([]);
  });

  it('control: a report with an extra key or a fractional time does not conform', async () => {
    const { stdout } = await runCli(['--env', 'embedded', '--json', ...BUDGETS]);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(problems(JSON.stringify({ ...report, extra: 1 }))).not.toEqual([]);
    expect(problems(JSON.stringify({ ...report, durationMs: 12.5 }))).not.toEqual([]);
  });
});

describe('report times', () => {
  it('are whole milliseconds in the latencies of repeated runs', async () => {
    const result = await runCli(['--env', 'embedded', '--runs', '2', '--json', ...BUDGETS]);
    const agg = JSON.parse(result.stdout) as {
      runs: { latencies: Record<string, number | null> }[];
      aggregate: { latency: Record<string, Record<string, number | null>> };
    };
    const times = [
      ...agg.runs.flatMap((run) => Object.values(run.latencies)),
      ...Object.values(agg.aggregate.latency).flatMap((p) => Object.values(p)),
    ];
    expect(times.length).toBe(15);
    for (const ms of times) expect(Number.isInteger(ms), String(ms)).toBe(true);
  });
});
