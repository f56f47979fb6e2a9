import { describe, expect, it } from 'vitest';
import { actionArguments, actionInput, maskCommand, runEnvironment } from '../../src/cli/action.js';
import { actionOutputs } from '../../src/report/action-outputs.js';
import type { RunReport } from '../../src/contract/run-report.js';

const reports = { junit: '/w/r/ws-validate.xml', json: '/w/r/ws-validate.json' };

describe('the action program', () => {
  it('reads inputs from the variables action.yml maps them to, trimmed', () => {
    expect(actionInput({ WS_VALIDATE_ACTION_MIN_PASS_RATE: ' 0.9 \n' }, 'min-pass-rate')).toBe(
      '0.9',
    );
    expect(actionInput({ INPUT_URL: 'ws://x/ws' }, 'url')).toBe('');
  });

  it('passes only the inputs given, values glued to their flag, then args, then both reports', () => {
    expect(
      actionArguments(
        {
          WS_VALIDATE_ACTION_URL: 'ws://127.0.0.1:1/ws',
          WS_VALIDATE_ACTION_RUNS: '3',
          WS_VALIDATE_ACTION_ENV: '',
          WS_VALIDATE_ACTION_ARGS: `--message "-x y" --grace 0`,
          WS_VALIDATE_ACTION_TOKEN: 'never-on-the-command-line',
        },
        reports,
      ),
    ).toEqual([
      '--url=ws://127.0.0.1:1/ws',
      '--runs=3',
      '--message',
      '-x y',
      '--grace',
      '0',
      '--report=junit=/w/r/ws-validate.xml',
      '--report=json=/w/r/ws-validate.json',
    ]);
  });

  it('gives the run the secret inputs as the env vars the CLI reads, and drops the inputs', () => {
    const env = runEnvironment({
      PATH: '/bin',
      WS_VALIDATE_TOKEN: 'from-the-job',
      WS_VALIDATE_ACTION_JWT_SECRET: 'secret-input',
      WS_VALIDATE_ACTION_TOKEN: '',
      WS_VALIDATE_ACTION_URL: 'ws://x/ws',
    });
    expect(env).toEqual({
      PATH: '/bin',
      WS_VALIDATE_TOKEN: 'from-the-job',
      WS_VALIDATE_JWT_SECRET: 'secret-input',
    });
  });

  it('masks a secret with line breaks in one command', () => {
    expect(maskCommand('ab%c\r\nline two')).toBe('::add-mask::ab%25c%0D%0Aline two\n');
  });
});

describe('actionOutputs', () => {
  const run = (verdict: RunReport['verdict'], statuses: string[]): RunReport =>
    ({
      verdict,
      exitCode: verdict === 'pass' ? 0 : verdict === 'fail' ? 1 : 3,
      events: [
        'agent_started',
        'agent_thinking',
        'tool_executing',
        'tool_completed',
        'agent_completed',
      ].map((type, i) => ({ type, status: statuses[i] })),
    }) as unknown as RunReport;

  it('lists the events that failed or were missing in a judged run', () => {
    expect(
      actionOutputs(1, run('fail', ['pass', 'fail', 'pass', 'missing', 'pass']), reports),
    ).toEqual({
      'exit-code': '1',
      verdict: 'fail',
      'pass-rate': '0',
      runs: '1',
      'failed-events': 'agent_thinking,tool_completed',
      'junit-path': reports.junit,
      'json-path': reports.json,
    });
  });

  it('lists no events for a run that could not be judged', () => {
    const outputs = actionOutputs(
      3,
      run('error', ['missing', 'missing', 'missing', 'missing', 'missing']),
      reports,
    );
    expect(outputs['failed-events']).toBe('');
    expect(outputs.verdict).toBe('error');
  });

  it('gives the pass rate and the run count of repeated runs', () => {
    const aggregate = {
      verdict: 'fail',
      exitCode: 1,
      runs: [
        { verdict: 'pass', events: { agent_started: 'pass', agent_completed: 'pass' } },
        { verdict: 'fail', events: { agent_started: 'pass', agent_completed: 'missing' } },
        { verdict: 'error', events: { agent_started: 'missing', agent_completed: 'missing' } },
      ],
      aggregate: { total: 3, passRate: 1 / 3 },
    } as unknown as Parameters<typeof actionOutputs>[1];
    expect(actionOutputs(1, aggregate, reports)).toMatchObject({
      'pass-rate': String(1 / 3),
      runs: '3',
      'failed-events': 'agent_completed',
    });
  });

  it('has empty paths and no runs when ws-validate stopped before a report', () => {
    expect(actionOutputs(2, null, reports)).toEqual({
      'exit-code': '2',
      verdict: 'error',
      'pass-rate': '0',
      runs: '0',
      'failed-events': '',
      'junit-path': '',
      'json-path': '',
    });
  });
});
