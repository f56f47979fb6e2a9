import { describe, expect, it } from 'vitest';
import { createJudge } from '../../src/contract/judge.js';
import { loadSchemas } from '../../src/contract/schemas.js';
import { builtInProfileDir } from '../../src/contract/schemas.js';
import { canonicalProfile } from '../helpers/profiles.js';

// Once the errors kept for an event type are full, the judge asks for brief checks: a frame that
// fails the same checks at the same places as an earlier one is only counted, not described again.

const bridgeThinking = (n: number): Record<string, unknown> => ({
  type: 'agent_thinking',
  timestamp: `2025-11-25T10:00:${String(n % 60).padStart(2, '0')}Z`,
  run_id: 'R',
  agent_name: 'data_helper',
  data: { reasoning: `step ${n}` },
});

describe('brief checks', () => {
  it('describe a frame in full unless asked to be brief, and reuse the description when brief', async () => {
    const schemas = await loadSchemas(builtInProfileDir('canonical'));
    const full = schemas.check(bridgeThinking(1), 'agent_thinking');
    const again = schemas.check(bridgeThinking(2), 'agent_thinking');
    expect(full.errors.length).toBeGreaterThan(0);
    expect(again.errors).not.toBe(full.errors);
    expect(again.errors).toEqual(full.errors);
    const brief = schemas.check(bridgeThinking(3), 'agent_thinking', true);
    expect(schemas.check(bridgeThinking(4), 'agent_thinking', true).errors).toBe(brief.errors);
    expect(brief.errors).toEqual(full.errors);
    // A frame that fails in another way is described anew.
    const other = schemas.check({ ...bridgeThinking(5), data: {} }, 'agent_thinking', true);
    expect(other.errors).not.toEqual(full.errors);
  });

  it('count every missing path of a long drifting run, as describing each frame would', async () => {
    const schemas = await loadSchemas(builtInProfileDir('canonical'));
    const perFrame = schemas
      .check(bridgeThinking(0), 'agent_thinking')
      .errors.filter((e) => e.actual === 'missing').length;
    const judge = createJudge({
      profile: canonicalProfile(),
      trigger: { type: 'agent_execution', thread_id: 'T', run_id: 'R' },
      checker: schemas,
      budgets: null,
      maxErrorsPerEvent: 2,
    });
    for (let n = 1; n <= 40; n += 1) {
      judge.observe({
        seq: n,
        dir: 'in',
        atMs: null,
        kind: 'json',
        data: bridgeThinking(n),
        size: 1,
      });
    }
    const judgement = judge.finish({ reason: 'end_of_recording', close: null, durationMs: null });
    const thinking = judgement.events.find((e) => e.type === 'agent_thinking');
    expect(thinking).toMatchObject({ status: 'fail', count: 40 });
    expect(thinking?.errors).toHaveLength(2);
    expect(judgement.diagnoses.find((d) => d.code === 'shape_drift')?.message).toContain(
      `(${40 * perFrame} missing paths)`,
    );
  });
});
