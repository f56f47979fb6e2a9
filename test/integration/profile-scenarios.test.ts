import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/contract/run-report.js';
import { runCli } from '../helpers/cli.js';
import { startWsFaultServer, type FaultServer } from '../helpers/fault-servers.js';

// Each built-in profile has a reference-server scenario that passes it and fails the others, all
// judged in one run. The first profile chooses the embedded server's protocol, so ag-ui's scenario
// is judged with ag-ui first (AG-UI), the others with --profile all (netra).
const SCENARIO_OF: Record<string, string> = {
  canonical: 'happy',
  bridge: 'bridge_shape',
  flat: 'suite_flat',
  frontend: 'frontend_shape',
  'ag-ui': 'happy',
};
const NETRA_PROFILES = ['canonical', 'bridge', 'flat', 'frontend', 'ag-ui'];
const AG_UI_FIRST = ['ag-ui', 'canonical', 'bridge', 'flat', 'frontend'];

const quick = ['--grace', '50ms', '--timeout', '10s'];

async function run(...args: string[]): Promise<{ code: number; report: RunReport }> {
  const result = await runCli(['--env', 'embedded', ...quick, '--json', ...args]);
  return { code: result.code, report: JSON.parse(result.stdout) as RunReport };
}

describe.concurrent('the built-in profiles against the reference server', () => {
  it.each(Object.entries(SCENARIO_OF))(
    '%s: its scenario (%s) passes it and fails every other profile, in one run',
    async (profile, scenario) => {
      const order = profile === 'ag-ui' ? AG_UI_FIRST : NETRA_PROFILES;
      const selection = profile === 'ag-ui' ? AG_UI_FIRST.join(',') : 'all';
      const { code, report } = await run('--scenario', scenario, '--profile', selection);
      expect(report.profiles.map((p) => [p.name, p.exitCode])).toEqual(
        order.map((name) => [name, name === profile ? 0 : 1]),
      );
      // The worst profile decides the exit; the first one's judgement stays at the top.
      expect(code).toBe(1);
      expect(report.exitCode).toBe(1);
      expect(report.events).toEqual(report.profiles[0]?.events);
    },
  );

  it.each(Object.entries(SCENARIO_OF))('%s alone passes %s', async (profile, scenario) => {
    const { code, report } = await run('--scenario', scenario, '--profile', profile);
    expect(code, JSON.stringify(report.rules)).toBe(0);
    expect(report.profiles.map((p) => p.name)).toEqual([profile]);
  });

  it("sends the first profile's trigger: start_agent for frontend", async () => {
    const { report } = await run('--scenario', 'frontend_shape', '--profile', 'frontend,canonical');
    expect(report.trigger.type).toBe('start_agent');
    expect(report.profiles.map((p) => p.name)).toEqual(['frontend', 'canonical']);
  });

  it('exits 0 when every listed profile passes', async () => {
    const { code } = await run(
      '--scenario',
      'happy',
      '--profile',
      'canonical',
      '--profile',
      'canonical',
    );
    expect(code).toBe(0);
  });
});

describe.concurrent('--env embedded --profile ag-ui: the AG-UI server and its scenarios', () => {
  it('passes without --scenario: RUN_STARTED, the step, the message and the tool call, RUN_FINISHED', async () => {
    const { code, report } = await run('--profile', 'ag-ui');
    expect(code, JSON.stringify(report.rules)).toBe(0);
    expect(report.trigger.type).toBe('(no type field)');
    expect(report.events.map((e) => e.type)).toEqual([
      'RUN_STARTED',
      'RUN_FINISHED',
      'STEP_STARTED',
      'TEXT_MESSAGE_START',
      'TEXT_MESSAGE_CONTENT',
      'TEXT_MESSAGE_END',
      'TOOL_CALL_START',
      'TOOL_CALL_ARGS',
      'TOOL_CALL_END',
      'TOOL_CALL_RESULT',
      'STEP_FINISHED',
    ]);
    expect(report.rules.find((r) => r.id === 'run_scope')?.status).toBe('pass');
  });

  // Each fault scenario breaks one thing, and the rule that says so fails.
  it.each([
    ['unclosed_tool', ['tool_pairing'], /1 TOOL_CALL_START never closed by a TOOL_CALL_END/],
    ['content_after_end', ['tool_pairing'], /1 event\(s\) outside an open TEXT_MESSAGE_START/],
    ['no_finished', ['presence', 'single_terminal'], /never arrived for this run: RUN_FINISHED/],
    ['run_error', ['presence', 'single_terminal', 'tool_pairing'], /RUN_FINISHED/],
    ['mismatched_ids', ['tool_pairing'], /1 TOOL_CALL_END without an open TOOL_CALL_START/],
    ['after_finished', ['order', 'tool_pairing'], /STEP_STARTED \(frame #\d+\) arrived after/],
  ])('fails %s on %j', async (scenario, failing, message) => {
    // The default grace: after_finished sends its straggler one step (100 ms) after RUN_FINISHED.
    const { code, report } = await run(
      '--profile',
      'ag-ui',
      '--scenario',
      scenario,
      '--grace',
      '300ms',
    );
    expect(code).toBe(1);
    const failed = report.rules.filter((r) => r.status === 'fail');
    expect(failed.map((r) => r.id)).toEqual(failing);
    expect(failed[0]?.message).toMatch(message);
  });

  it('says RUN_ERROR failed the run', async () => {
    const { report } = await run('--profile', 'ag-ui', '--scenario', 'run_error');
    expect(report.diagnoses.map((d) => d.code)).toContain('server_error');
  });

  it('takes only AG-UI scenarios, and says how to get the other server', async () => {
    const result = await runCli(['--env', 'embedded', '--profile', 'ag-ui', '--scenario', 'drop']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: --scenario: unknown ag-ui scenario "drop" \(the embedded server speaks ag-ui for the profile ag-ui\)\nhint: use one of happy, unclosed_tool, .*"drop" is a scenario of netra: give --profile canonical first\n$/,
    );
    const netra = await runCli(['--env', 'embedded', '--scenario', 'unclosed_tool']);
    expect(netra.code).toBe(2);
    expect(netra.stderr).toContain(
      '"unclosed_tool" is a scenario of ag-ui: give --profile ag-ui first',
    );
  });
});

describe('a profile folder written by hand', () => {
  // A protocol of its own: the type in `event`, ids under `meta`, a bracket pair with content inside.
  const PROFILE = {
    profile: 1,
    name: 'ledger',
    description: 'a ledger protocol, written for this test',
    typeField: 'event',
    required: ['open', 'close'],
    events: ['entry'],
    first: ['open'],
    terminal: ['close'],
    errors: ['fault'],
    once: ['open', 'close'],
    pairs: [{ open: 'batch_begin', close: 'batch_end', by: ['meta.batch'], inside: ['entry'] }],
    runScope: { thread: ['meta.session'], run: ['meta.run'] },
    trigger: { command: 'start', session: '{{thread_id}}', run: '{{run_id}}', nonce: '{{uuid}}' },
  };
  const schema = (event: string, extra: Record<string, unknown> = {}): string =>
    JSON.stringify({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $ref: 'defs/meta.schema.json',
      type: 'object',
      properties: { event: { const: event }, ...extra },
    });

  let dir: string;
  let server: FaultServer;
  let broken: FaultServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ws-validate-ledger-'));
    await mkdir(join(dir, 'ledger', 'defs'), { recursive: true });
    const files: Record<string, string> = {
      'profile.json': JSON.stringify(PROFILE),
      'defs/meta.schema.json': JSON.stringify({
        type: 'object',
        required: ['event', 'meta'],
        properties: {
          event: { type: 'string' },
          meta: {
            type: 'object',
            required: ['session', 'run'],
            properties: { session: { type: 'string' }, run: { type: 'string' } },
          },
        },
      }),
      'open.schema.json': schema('open'),
      'close.schema.json': schema('close', { balance: { type: 'number' } }),
      'entry.schema.json': schema('entry', { amount: { type: 'number' } }),
      'batch_begin.schema.json': schema('batch_begin'),
      'batch_end.schema.json': schema('batch_end'),
      'fault.schema.json': schema('fault'),
    };
    for (const [file, text] of Object.entries(files)) {
      await writeFile(join(dir, 'ledger', file), text);
    }
    // Plays a ledger run for the trigger it gets; `slip` puts an entry outside its batch.
    const play =
      (slip: boolean) => (peer: Parameters<Parameters<typeof startWsFaultServer>[0]>[0]) => {
        peer.ws.once('message', (data) => {
          const trigger = JSON.parse((data as Buffer).toString('utf8')) as {
            command: string;
            session: string;
            run: string;
          };
          if (trigger.command !== 'start') return;
          const meta = { session: trigger.session, run: trigger.run };
          const frames = [
            { event: 'open', meta },
            { event: 'batch_begin', meta: { ...meta, batch: 'b1' } },
            { event: 'entry', amount: 12, meta: { ...meta, batch: 'b1' } },
            { event: 'batch_end', meta: { ...meta, batch: 'b1' } },
            ...(slip ? [{ event: 'entry', amount: 3, meta: { ...meta, batch: 'b1' } }] : []),
            { event: 'close', balance: 12, meta },
          ];
          for (const frame of frames) peer.send(frame);
        });
      };
    server = await startWsFaultServer(play(false));
    broken = await startWsFaultServer(play(true));
  });

  afterAll(async () => {
    await Promise.all([server.close(), broken.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  async function judge(url: string): Promise<{ code: number; report: RunReport }> {
    const result = await runCli(
      [
        '--url',
        url,
        '--token',
        'ledger-token',
        '--profile',
        './ledger',
        '--grace',
        '50ms',
        '--json',
      ],
      { cwd: dir },
    );
    expect(result.stdout, result.stderr).not.toBe('');
    return { code: result.code, report: JSON.parse(result.stdout) as RunReport };
  }

  it('passes a server that keeps the protocol', async () => {
    const { code, report } = await judge(server.url);
    expect(code, JSON.stringify(report.rules)).toBe(0);
    expect(report.trigger.type).toBe('(no type field)');
    expect(
      report.events.map((e) => `${e.type} ${e.status}${e.optional ? ' (optional)' : ''}`),
    ).toEqual([
      'open pass',
      'close pass',
      'batch_begin pass (optional)',
      'entry pass (optional)',
      'batch_end pass (optional)',
    ]);
    expect(report.rules.find((r) => r.id === 'tool_pairing')?.message).toBe(
      '1 batch bracket(s) paired by batch',
    );
  });

  it('fails an entry outside its batch, naming it', async () => {
    const { code, report } = await judge(broken.url);
    expect(code).toBe(1);
    expect(report.rules.find((r) => r.id === 'tool_pairing')).toMatchObject({
      status: 'fail',
      message: '1 event(s) outside an open batch_begin…batch_end (first: frame #6 with batch `b1`)',
    });
  });
});
