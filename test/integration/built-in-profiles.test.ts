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
};

const profiles = new Map<string, LoadedProfile>();

beforeAll(async () => {
  for (const name of BUILT_IN_PROFILES) {
    profiles.set(name, await loadProfile({ kind: 'built-in', name }));
  }
});

describe('the built-in profiles', () => {
  it('are canonical, bridge, flat and frontend, in that order', () => {
    expect(BUILT_IN_PROFILES).toEqual(['canonical', 'bridge', 'flat', 'frontend']);
  });

  it.each(Object.entries(EXAMPLES))(
    '%s passes %s and no other profile does',
    async (name, file) => {
      const verdicts: Record<string, number> = {};
      for (const [profileName, profile] of profiles) {
        const report = await checkRecording(`${FRAMES}${file}`, { profiles: [profile] });
        verdicts[profileName] = report.exitCode;
        if (profileName === name) {
          expect(report.events.map((e) => `${e.type} ${e.status}`)).toEqual(
            profile.spec.required.map((type) => `${type} pass`),
          );
          expect(report.rules.filter((r) => r.status === 'fail')).toEqual([]);
        }
      }
      expect(verdicts).toEqual(
        Object.fromEntries(BUILT_IN_PROFILES.map((p) => [p, p === name ? 0 : 1])),
      );
    },
  );

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
