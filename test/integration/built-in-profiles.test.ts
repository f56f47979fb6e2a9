import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_PROFILES } from '../../src/contract/profile.js';
import { loadProfile, type LoadedProfile } from '../../src/contract/profiles.js';
import { checkRecording } from '../../src/run/check.js';

// Each built-in profile is written from one family of example frames: it passes its own family and
// fails the others.

const FRAMES = fileURLToPath(new URL('../fixtures/frames/', import.meta.url));
const EXAMPLES: Record<string, string> = {
  canonical: 'canonical-run.ndjson',
  bridge: 'bridge-shape-run.ndjson',
  flat: 'suite-flat-run.ndjson',
  frontend: 'frontend-shape-run.ndjson',
  'ag-ui': 'ag-ui-run.ndjson',
};

const profiles = new Map<string, LoadedProfile>();

beforeAll(async () => {
  for (const name of BUILT_IN_PROFILES) {
    profiles.set(name, await loadProfile({ kind: 'built-in', name }));
  }
});

describe('the built-in profiles', () => {
  it('are canonical, bridge, flat, frontend and ag-ui, in that order', () => {
    expect(BUILT_IN_PROFILES).toEqual(['canonical', 'bridge', 'flat', 'frontend', 'ag-ui']);
  });

  it.each(Object.entries(EXAMPLES))(
    '%s passes %s and no other profile does',
    async (name, file) => {
      const verdicts: Record<string, number> = {};
      for (const [profileName, profile] of profiles) {
        const report = await checkRecording(`${FRAMES}${file}`, { profiles: [profile] });
        verdicts[profileName] = report.exitCode;
        if (profileName === name) {
          // Required events first, then the other run events that arrived (ag-ui has many).
          const required = profile.spec.required;
          expect(
            report.events.slice(0, required.length).map((e) => `${e.type} ${e.status}`),
          ).toEqual(required.map((type) => `${type} pass`));
          expect(report.events.filter((e) => e.status !== 'pass')).toEqual([]);
          expect(report.rules.filter((r) => r.status === 'fail')).toEqual([]);
        }
      }
      expect(verdicts).toEqual(
        Object.fromEntries(BUILT_IN_PROFILES.map((p) => [p, p === name ? 0 : 1])),
      );
    },
  );

  it('name in shape_drift the built-in profile a stream matches instead', async () => {
    const report = await checkRecording(`${FRAMES}frontend-shape-run.ndjson`, {
      profiles: [profiles.get('canonical') as LoadedProfile],
    });
    const message = report.diagnoses.find((d) => d.code === 'shape_drift')?.message;
    expect(message).toMatch(/^Required events do not have the canonical shape/);
    expect(message).toMatch(/ The stream matches profile frontend \(--profile frontend\)\.$/);
    expect(message).not.toMatch(/profile (bridge|flat)/);
  });

  it('say which events never arrived when those that did match another profile', async () => {
    // What the agent bridge put on the wire at the revision studied: two of the five events.
    const partial = join(tmpdir(), `ws-validate-bridge-partial-${process.pid}.ndjson`);
    const lines = (await readFile(`${FRAMES}bridge-shape-run.ndjson`, 'utf8')).split('\n');
    await writeFile(partial, `${lines[0]}\n${lines[2]}\n`);
    try {
      const report = await checkRecording(partial, {
        profiles: [profiles.get('canonical') as LoadedProfile],
      });
      const drift = report.diagnoses.find((d) => d.code === 'shape_drift');
      expect(drift?.message).toMatch(
        /^3 of 5 required events never arrived \(agent_thinking, tool_completed, agent_completed\); the 2 that did \(agent_started, tool_executing\) have the bridge shape, not the canonical one \(--profile bridge\)\. Required events do not have the canonical shape/,
      );
      expect(drift?.shapes).toEqual([
        { profile: 'bridge', events: ['agent_started', 'tool_executing'] },
      ]);
    } finally {
      await rm(partial, { force: true });
    }
  });

  it('look for other profiles only when a run fails on shape', async () => {
    let asked = 0;
    const candidates = () => {
      asked += 1;
      return Promise.resolve([...profiles.values()]);
    };
    const passing = await checkRecording(`${FRAMES}canonical-run.ndjson`, {
      profiles: [profiles.get('canonical') as LoadedProfile],
      candidates,
    });
    expect(passing.exitCode).toBe(0);
    expect(asked).toBe(0);
    await checkRecording(`${FRAMES}bridge-shape-run.ndjson`, {
      profiles: [profiles.get('canonical') as LoadedProfile],
      candidates,
    });
    expect(asked).toBe(1);
  });

  it('name where the shape differs when a stream has another profile shape', async () => {
    const report = await checkRecording(`${FRAMES}frontend-shape-run.ndjson`, {
      profiles: [profiles.get('bridge') as LoadedProfile],
    });
    const started = report.events.find((e) => e.type === 'agent_started');
    expect(started?.errors.map((e) => e.path)).toEqual(expect.arrayContaining(['data']));
    expect(report.diagnoses.find((d) => d.code === 'shape_drift')?.message).toMatch(
      /^Required events do not have the bridge shape/,
    );
  });
});
