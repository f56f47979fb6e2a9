import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/contract/run-report.js';
import { runCli } from '../helpers/cli.js';
import {
  canonicalEvents,
  startWsFaultServer,
  type FaultServer,
  type RunIds,
} from '../helpers/fault-servers.js';

// A run has the trigger's run id and at most one more: the id the server assigned in the run's
// first event. An event of the run's thread with any other run id belongs to another run.

type Play = (ids: RunIds) => Record<string, unknown>[];

/** Canonical events with the run id of each event given by position (null keeps the trigger's). */
function withRunIds(runIds: (string | null)[]): Play {
  return (ids) =>
    canonicalEvents(ids).map((event, i) => {
      const runId = runIds[i];
      return runId === null || runId === undefined ? event : { ...event, run_id: runId };
    });
}

const PLAYS: Record<string, Play> = {
  // An agent_thinking of another run, stamped with this run's thread id.
  'second-run-id': (ids) => {
    const events = canonicalEvents(ids);
    const intruder = { ...events[1], run_id: 'run-of-someone-else' };
    return [...events.slice(0, 2), intruder, ...events.slice(2)];
  },
  'server-assigned': withRunIds(['run_srv_1', 'run_srv_1', 'run_srv_1', 'run_srv_1', 'run_srv_1']),
  'server-assigned-and-trigger': withRunIds(['run_srv_1', null, 'run_srv_1', null, 'run_srv_1']),
  'third-run-id': withRunIds(['run_srv_1', 'run_srv_1', 'run_srv_2', 'run_srv_2', 'run_srv_1']),
};

const servers = new Map<string, FaultServer>();

beforeAll(async () => {
  for (const [name, play] of Object.entries(PLAYS)) {
    const server = await startWsFaultServer(async (peer) => {
      for (const event of play(await peer.trigger)) peer.send(event);
    });
    servers.set(name, server);
  }
});

afterAll(async () => {
  await Promise.all([...servers.values()].map((server) => server.close()));
});

async function judge(play: string): Promise<{ code: number; report: RunReport }> {
  const result = await runCli([
    '--url',
    servers.get(play)?.url ?? '',
    '--token',
    'test-token',
    '--grace',
    '50ms',
    '--json',
  ]);
  return { code: result.code, report: JSON.parse(result.stdout) as RunReport };
}

function rule(report: RunReport, id: string) {
  return report.rules.find((r) => r.id === id);
}

describe('run_scope with thread and run ids', () => {
  it('fails an event of the run thread that carries another run id', async () => {
    const { code, report } = await judge('second-run-id');
    expect(code).toBe(1);
    expect(rule(report, 'run_scope')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining(
        '1 event(s) of another run (first: agent_thinking at frame #4 with run_id `run-of-someone-else`)',
      ) as unknown,
    });
    expect(report.diagnoses.map((d) => d.code)).toContain('foreign_events');
  });

  it('adopts the run id the server assigned in the run first event', async () => {
    const { code, report } = await judge('server-assigned');
    expect(code, JSON.stringify(report.rules)).toBe(0);
  });

  it('keeps the trigger run id beside the adopted one', async () => {
    const { code } = await judge('server-assigned-and-trigger');
    expect(code).toBe(0);
  });

  it('fails a third run id', async () => {
    const { code, report } = await judge('third-run-id');
    expect(code).toBe(1);
    expect(rule(report, 'run_scope')?.message).toContain(
      '2 event(s) of another run (first: tool_executing at frame #4 with run_id `run_srv_2`)',
    );
  });
});
