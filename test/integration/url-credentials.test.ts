import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// Credentials a URL may carry, each of which must be masked wherever the URL is shown.
const USER_TOKEN = 'opaque-user-part-token-1234';
const TICKET = 'ticket-value-5678';
const SIGNATURE = 'amz-signature-value-9abc';
const URL_WITH_CREDENTIALS = `wss://${USER_TOKEN}@agents.example/ws?ticket=${TICKET}&X-Amz-Signature=${SIGNATURE}&mode=main`;
const LEAKS = [USER_TOKEN, TICKET, SIGNATURE];

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-url-credentials-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function expectNoLeak(where: string, text: string): void {
  for (const secret of LEAKS) expect(text.includes(secret), `${secret} in ${where}`).toBe(false);
}

describe('credentials in URLs', () => {
  it('are masked in `check` output and every report of a recording made with such a URL', async () => {
    const source = await readFile(
      new URL('../fixtures/recordings/happy.ndjson', import.meta.url),
      'utf8',
    );
    const recording = join(dir, 'recording.ndjson');
    await writeFile(
      recording,
      source.replace(
        '"url":"wss://api.staging.netrasystems.ai/ws"',
        `"url":${JSON.stringify(URL_WITH_CREDENTIALS)}`,
      ),
    );
    const reports = join(dir, 'reports');
    const result = await runCli([
      'check',
      recording,
      '--report',
      `junit=${join(reports, 'r.xml')}`,
      '--report',
      `json=${join(reports, 'r.json')}`,
      '--report',
      `markdown=${join(reports, 'r.md')}`,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      'wss://***@agents.example/ws?ticket=***&X-Amz-Signature=***&mode=main',
    );
    expectNoLeak('stdout', result.stdout + result.stderr);
    for (const name of await readdir(reports)) {
      const text = await readFile(join(reports, name), 'utf8');
      expect(text).toContain('agents.example');
      expectNoLeak(name, text);
    }
  });

  it('are masked by `envs`', async () => {
    const config = join(dir, 'ws-validate.config.json');
    await writeFile(
      config,
      JSON.stringify({ environments: { dev: { url: URL_WITH_CREDENTIALS } } }),
    );
    const result = await runCli(['envs', '--config', config]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^dev +wss:\/\/\*\*\*@agents\.example\/ws\?ticket=\*\*\*&X-Amz-Signature=\*\*\*&mode=main/m,
    );
    expectNoLeak('envs', result.stdout);
  });

  it('are masked in the report target, the recording and every report of a live run', async () => {
    const out = join(dir, 'live');
    const result = await runCli([
      '--url',
      // Nothing listens on port 9: the run ends as a refused connection, with its reports.
      `ws://${USER_TOKEN}@127.0.0.1:9/ws?ticket=${TICKET}&X-Amz-Signature=${SIGNATURE}`,
      '--connect-timeout',
      '1s',
      '--record',
      join(out, 'recording.ndjson'),
      '--report',
      `junit=${join(out, 'r.xml')}`,
      '--report',
      `json=${join(out, 'r.json')}`,
    ]);
    expect(result.code).toBe(3);
    expectNoLeak('output', result.stdout + result.stderr);
    const names = await readdir(out);
    expect(names.sort()).toEqual(['r.json', 'r.xml', 'recording.ndjson']);
    for (const name of names) expectNoLeak(name, await readFile(join(out, name), 'utf8'));
  });
});
