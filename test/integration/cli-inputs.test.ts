import { mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-cli-inputs-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a mistyped command', () => {
  it('gets the command it resembles suggested, not "too many arguments"', async () => {
    const result = await runCli(['chekc', 'run.ndjson']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: unknown command "chekc" \(did you mean check\?\)\nhint: /,
    );
  });
});

describe('two outputs that name one file', () => {
  it('are refused through `..` and through a symlink, before anything runs', async () => {
    const report = join(dir, 'r.json');
    const viaDots = await runCli([
      ...['--env', 'embedded', '--report', `json=${report}`],
      ...['--report', `markdown=${dir}/sub/../r.json`],
    ]);
    expect(viaDots.code).toBe(2);
    expect(viaDots.stderr).toMatch(/is given to more than one --report\/--record/);
    await writeFile(report, 'kept');
    await symlink(report, join(dir, 'link.json'));
    const viaLink = await runCli([
      ...['--env', 'embedded', '--report', `json=${report}`],
      ...['--record', join(dir, 'link.json')],
    ]);
    expect(viaLink.code).toBe(2);
    expect(viaLink.stderr).toMatch(/is given to more than one --report\/--record/);
    expect(await readFile(report, 'utf8')).toBe('kept');
  });
});

describe('a usage error found once the run has started', () => {
  it('leaves no --record file behind, and an existing one as it was', async () => {
    const fresh = join(dir, 'fresh.ndjson');
    const failing = ['--url', 'ws://127.0.0.1:9/ws', '--token-command', 'exit 3'];
    const result = await runCli([...failing, '--record', fresh]);
    expect(result.code).toBe(2);
    await expect(stat(fresh)).rejects.toMatchObject({ code: 'ENOENT' });
    const existing = join(dir, 'existing.ndjson');
    await writeFile(existing, 'an earlier recording\n');
    expect((await runCli([...failing, '--record', existing])).code).toBe(2);
    expect(await readFile(existing, 'utf8')).toBe('an earlier recording\n');
  });
});

describe('a token command that runs out of time', () => {
  it('hints at the option that sets its limit, --connect-timeout', async () => {
    const result = await runCli([
      ...['--url', 'ws://127.0.0.1:9/ws', '--token-command', 'sleep 5'],
      ...['--connect-timeout', '200ms'],
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: The token command \(sleep\) did not finish within 200 ms\.\nhint: .*--connect-timeout/,
    );
  });
});

describe('envs', () => {
  it('marks the default environment and says which environments need a --url', async () => {
    const config = join(dir, 'envs.config.json');
    await writeFile(
      config,
      JSON.stringify({
        defaultEnv: 'dev',
        environments: { dev: { url: 'ws://dev/ws' }, bare: {} },
      }),
    );
    const result = await runCli(['envs', '--config', config]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^dev +ws:\/\/dev\/ws +\[default; from .*envs\.config\.json\]$/m);
    expect(result.stdout).toMatch(
      /^bare +\(no url: pass --url, or set "url" in .*envs\.config\.json\)/m,
    );
    expect(result.stdout).toMatch(/^embedded +\(reference server started in-process\)$/m);
    expect(result.stdout).not.toMatch(/^local .*default/m);
  });

  it('marks local as the default without a config file, and warns of a key given twice', async () => {
    const config = join(dir, 'twice.config.json');
    await writeFile(config, '{"environments":{"dev":{"url":"ws://a/ws","url":"ws://b/ws"}}}');
    const result = await runCli(['envs', '--config', config]);
    expect(result.stdout).toMatch(/^local +ws:\/\/localhost:8000\/ws +\[default\]$/m);
    expect(result.stderr).toBe(
      `warning: ${config}: "environments.dev.url" is given twice; the last one counts\n`,
    );
  });
});
