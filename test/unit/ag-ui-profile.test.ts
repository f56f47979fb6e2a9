import { fileURLToPath } from 'node:url';
import { EventType } from '@ag-ui/core';
import { RunAgentInputSchema } from '@ag-ui/core/schemas';
import { describe, expect, it } from 'vitest';
import { namedEvents } from '../../src/contract/profile.js';
import { loadProfile } from '../../src/contract/profiles.js';
import { buildRunTrigger } from '../../src/run/trigger.js';
import { chooseTrigger } from '../../src/run/trigger-source.js';
import { exec } from '../helpers/exec.js';
import { builtInProfile } from '../helpers/profiles.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('the ag-ui profile', () => {
  it('has the schemas that @ag-ui/core derives today (scripts/derive-ag-ui-schemas.js --check)', async () => {
    const result = await exec(process.execPath, ['scripts/derive-ag-ui-schemas.js', '--check'], {
      cwd: root,
      timeoutMs: 60_000,
    });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('names every event type of AG-UI, RUN_ERROR as its error', () => {
    const { spec } = builtInProfile('ag-ui');
    expect(namedEvents(spec).sort()).toEqual(Object.values(EventType).sort());
    expect(spec.errors).toEqual(['RUN_ERROR']);
  });

  it('has a schema for every event type, each compiled', async () => {
    const profile = await loadProfile({ kind: 'built-in', name: 'ag-ui' });
    expect(Object.keys(profile.checker.covers).sort()).toEqual(Object.values(EventType).sort());
    // A field @ag-ui/core describes, malformed: an integer timestamp given as text.
    const check = profile.checker.check({ type: 'RUN_STARTED', threadId: 't', runId: 'r' });
    expect(check.errors).toEqual([]);
    const broken = profile.checker.check({
      type: 'RUN_STARTED',
      threadId: 't',
      runId: 'r',
      timestamp: '2025-12-01T00:00:00Z',
    });
    expect(broken.errors.map((e) => e.path)).toEqual(['timestamp']);
  });

  it('sends a RunAgentInput that @ag-ui/core accepts, with the run ids and the message', async () => {
    const profile = await loadProfile({ kind: 'built-in', name: 'ag-ui' });
    const trigger = await chooseTrigger(null, '--trigger', profile);
    let n = 0;
    const { frame, info } = buildRunTrigger(
      trigger,
      { message: 'How much did we use?', agent: 'data_helper' },
      'user-1',
      () => `id-${++n}`,
    );
    expect(RunAgentInputSchema.safeParse(frame).success).toBe(true);
    expect(frame).toEqual({
      threadId: 'id-1',
      runId: 'id-2',
      messages: [{ id: 'id-3', role: 'user', content: 'How much did we use?' }],
      tools: [],
      context: [],
      state: {},
      forwardedProps: {},
    });
    expect(info).toMatchObject({ thread_id: 'id-1', run_id: 'id-2' });
  });
});
