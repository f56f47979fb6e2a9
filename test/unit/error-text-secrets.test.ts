import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJudge } from '../../src/contract/judge.js';
import { buildRunReport } from '../../src/contract/verdict.js';
import { emitRunReport } from '../../src/report/emit.js';
import { createRedactor } from '../../src/shared/redact.js';
import { canonicalProfile } from '../helpers/profiles.js';
import { createSimpleChecker } from '../helpers/simple-checker.js';

// A server's plain error frame that quotes a token where its text is shortened: whatever the
// offset of the cut, no output keeps 4 or more of the token's characters.
const CANARY = 'SECRETCANARY-opaque-0123456789abcdefghij';
const MIN_PREFIX = 4;
// The error text keeps 299 characters and a cut mark.
const KEPT = 299;
const trigger = { type: 'chat', thread_id: 'T', run_id: 'R' };

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ws-validate-error-text-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function outputsFor(offset: number): Promise<Record<string, string>> {
  const judge = createJudge({
    profile: canonicalProfile(),
    trigger,
    triggerFrame: trigger,
    checker: createSimpleChecker(),
    budgets: { firstEventMs: 1000, totalMs: 2000 },
  });
  judge.observe({ seq: 1, dir: 'out', atMs: 0, kind: 'json', data: trigger, size: 1 });
  const message = 'e'.repeat(KEPT - offset) + CANARY;
  judge.observe({
    seq: 2,
    dir: 'in',
    atMs: 3,
    kind: 'json',
    data: { type: 'error', message },
    size: 1,
  });
  const report = buildRunReport(
    [
      {
        name: 'canonical',
        judgement: judge.finish({ reason: 'terminal', close: null, durationMs: 5 }),
      },
    ],
    {
      target: { env: 'test', url: 'ws://127.0.0.1/ws' },
      trigger,
      startedAt: '2026-01-01T00:00:00.000Z',
      durationMs: 5,
      close: null,
    },
  );
  const dir = join(root, String(offset));
  let stdout = '';
  let stderr = '';
  await emitRunReport(report, {
    json: false,
    quiet: false,
    verbose: true,
    reports: ['json', 'markdown', 'junit'].map((format) => ({
      format: format as 'json',
      path: join(dir, `report.${format}`),
    })),
    stepSummary: true,
    annotations: true,
    env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(dir, 'summary.md') },
    chalk: new Chalk({ level: 0 }),
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    redact: createRedactor([CANARY]),
  });
  const files = await readdir(dir);
  const written = await Promise.all(
    files.map(async (f): Promise<[string, string]> => [f, await readFile(join(dir, f), 'utf8')]),
  );
  return { stdout, stderr, ...Object.fromEntries(written) };
}

describe('the text of an error frame, cut by shortening', () => {
  it.each(Array.from({ length: CANARY.length + 1 }, (_, offset) => offset))(
    'cut after %i characters of the token: no output holds 4 or more of them',
    async (offset) => {
      const outputs = await outputsFor(offset);
      expect(Object.keys(outputs).sort()).toEqual([
        'report.json',
        'report.junit',
        'report.markdown',
        'stderr',
        'stdout',
        'summary.md',
      ]);
      // The text was shown, shortened.
      expect(outputs.stdout).toMatch(
        /server_error +The server answered with an error before any agent event: error: e+/,
      );
      for (const [where, text] of Object.entries(outputs)) {
        for (let length = MIN_PREFIX; length <= CANARY.length; length += 1) {
          expect(text.includes(CANARY.slice(0, length)), `${length} characters in ${where}`).toBe(
            false,
          );
        }
      }
    },
  );
});
