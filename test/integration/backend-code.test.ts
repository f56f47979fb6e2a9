import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProfile } from '../../src/contract/profiles.js';
import type { RunReport } from '../../src/contract/run-report.js';
import { checkRecording } from '../../src/run/check.js';
import { runCli, warmUpCli } from '../helpers/cli.js';

// What the backend's own code puts on the wire (docs/protocol.md section 9), played by the
// reference server's scenarios, and what ws-validate makes of it.

const FRAMES = fileURLToPath(new URL('../fixtures/frames/', import.meta.url));
const FAST = ['--first-event-timeout', '600ms', '--timeout', '2s', '--grace', '50ms'];
let dir: string;

beforeAll(async () => {
  await warmUpCli();
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-backend-'));
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function embedded(scenario: string, ...args: string[]): Promise<RunReport> {
  const result = await runCli([
    '--env',
    'embedded',
    '--scenario',
    scenario,
    '--json',
    ...FAST,
    ...args,
  ]);
  expect(result.stdout, result.stderr).not.toBe('');
  return JSON.parse(result.stdout) as RunReport;
}

const diagnosis = (report: RunReport, code: string): string =>
  report.diagnoses.find((d) => d.code === code)?.message ?? '';

describe("the test-framework server's answers", () => {
  it('recognises the trigger coming back as the original_message of an echo frame', async () => {
    const report = await embedded('test_server');
    expect(report.exitCode).toBe(1);
    expect(report.diagnoses.map((d) => d.code)).toEqual(['echo']);
    expect(diagnosis(report, 'echo')).toMatch(
      /^The server sent the trigger back in the `original_message` field of `echo` frames \(1 time\) and no agent event: .* no handler for `agent_execution` messages/,
    );
  });

  it('runs a chat for the user_message trigger, which carries payload.content', async () => {
    const report = await embedded('test_server', '--trigger', 'user_message');
    expect(report.events.map((e) => `${e.type} ×${e.count}`)).toEqual([
      'agent_started ×1',
      'agent_thinking ×1',
      'tool_executing ×1',
      'tool_completed ×1',
      'agent_completed ×1',
    ]);
    expect(report.diagnoses.map((d) => d.code)).not.toContain('server_error');
  });

  it('takes its plain error frame for an error event, showing its text and what it means', async () => {
    const template = join(dir, 'chat-text.json');
    await writeFile(
      template,
      '{"type":"chat","payload":{"text":"{{message}}","thread_id":"{{thread_id}}","run_id":"{{run_id}}"}}',
    );
    const started = performance.now();
    const wait = ['--first-event-timeout', '20s', '--timeout', '30s'];
    const report = await embedded('test_server', '--trigger', template, ...wait);
    // An error event ends the run: no waiting out the first-event budget.
    expect(performance.now() - started).toBeLessThan(5000);
    expect(report.exitCode).toBe(1);
    expect(report.diagnoses.map((d) => d.code)).toEqual(['server_error']);
    expect(diagnosis(report, 'server_error')).toBe(
      "The server answered with an error before any agent event: error: Empty message content — it refused the request; check that the trigger's type and fields are ones this server reads (--trigger).",
    );
  });
});

describe('what the agent bridge puts on the wire', () => {
  it('says first that 3 of 5 never arrived and that the 2 that did have the bridge shape: human, JSON and Markdown', async () => {
    const markdown = join(dir, 'bridge-partial.md');
    const result = await runCli([
      ...['--env', 'embedded', '--scenario', 'bridge_partial', '--no-color', ...FAST],
      ...['--report', `markdown=${markdown}`, '--report', `json=${join(dir, 'bp.json')}`],
    ]);
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines.slice(2, 7)).toEqual([
      '',
      'arrived  2 of 5 required events: agent_started, tool_executing',
      'missing  agent_thinking, tool_completed, agent_completed',
      'shape    bridge, not canonical (--profile bridge)',
      '',
    ]);

    const report = JSON.parse(await readFile(join(dir, 'bp.json'), 'utf8')) as RunReport;
    const drift = report.diagnoses.find((d) => d.code === 'shape_drift');
    expect(drift?.message).toMatch(
      /^3 of 5 required events never arrived \(agent_thinking, tool_completed, agent_completed\); the 2 that did \(agent_started, tool_executing\) have the bridge shape, not the canonical one \(--profile bridge\)\./,
    );
    expect(drift?.shapes).toEqual([
      { profile: 'bridge', events: ['agent_started', 'tool_executing'] },
    ]);

    const md = await readFile(markdown, 'utf8');
    const head = md.slice(0, md.indexOf('| event |'));
    expect(head).toContain(
      '- **arrived**: 2 of 5 required events: agent_started, tool_executing\n- **missing**: agent_thinking, tool_completed, agent_completed\n- **shape**: bridge, not canonical (--profile bridge)\n',
    );
  });

  it('says when the events of one run mix two shape families', async () => {
    const canonical = await loadProfile({ kind: 'built-in', name: 'canonical' });
    const report = await checkRecording(`${FRAMES}mixed-shapes-run.ndjson`, {
      profiles: [canonical],
    });
    const drift = report.diagnoses.find((d) => d.code === 'shape_drift');
    expect(drift?.message).toMatch(
      /^The events mix shape families: agent_started, tool_executing have the bridge shape; agent_thinking, agent_completed have the flat shape; 1 of 5 required events never arrived \(tool_completed\)\. Required events do not have the canonical shape/,
    );
    expect(drift?.shapes).toEqual([
      { profile: 'bridge', events: ['agent_started', 'tool_executing'] },
      { profile: 'flat', events: ['agent_thinking', 'agent_completed'] },
    ]);
    const human = await runCli(['check', `${FRAMES}mixed-shapes-run.ndjson`, '--no-color']);
    expect(human.stdout).toContain(
      'shape    mixed: bridge (agent_started, tool_executing) · flat (agent_thinking, agent_completed)',
    );
  });
});
