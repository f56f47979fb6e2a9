import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CliIo } from '../../src/cli/io.js';
import { schemasCommand } from '../../src/cli/commands/schemas.js';
import { ExitCode } from '../../src/shared/errors.js';
import { canonicalProfile } from '../helpers/profiles.js';
import { type RunReport } from '../../src/contract/run-report.js';
import { defaultSchemasDir } from '../../src/contract/schemas.js';
import { runCli, type CliResult } from '../helpers/cli.js';

const REQUIRED_EVENTS = canonicalProfile().spec.required;
let dir: string;
let brokenDir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-contract-'));
  // A copy of the bundled schemas with one file that is not JSON and one that ajv rejects.
  brokenDir = join(dir, 'schemas');
  await mkdir(brokenDir);
  await cp(defaultSchemasDir(), brokenDir, { recursive: true });
  await writeFile(join(brokenDir, 'agent_thinking.schema.json'), '{"type": "object",\n');
  await writeFile(
    join(brokenDir, 'tool_executing.schema.json'),
    JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'objekt' }),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the schemas command itself with captured streams, as the CLI does after parsing. */
async function schemas(flags: { schemas?: string }): Promise<CliResult> {
  let stdout = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: () => true },
    env: {},
    cwd: dir,
  };
  const code = await schemasCommand(flags, io);
  return { code, stdout, stderr: '' };
}

function lineFor(stdout: string, file: string): string | undefined {
  return stdout.split('\n').find((line) => line.includes(` ${file} `) || line.endsWith(file));
}

describe('ws-validate schemas', () => {
  it('compiles the bundled schemas and names the type each covers', async () => {
    const result = await runCli(['schemas']);
    expect(result.code).toBe(ExitCode.Pass);
    for (const event of REQUIRED_EVENTS) {
      expect(lineFor(result.stdout, `${event}.schema.json`)).toMatch(
        new RegExp(`✔ ${event}\\.schema\\.json +${event} +required event$`),
      );
    }
    for (const type of ['connection_established', 'error_message', 'agent_error']) {
      expect(lineFor(result.stdout, `${type}.schema.json`)).toMatch(/ other message type$/);
    }
    expect(lineFor(result.stdout, 'defs/envelope.schema.json')).toMatch(/\(shared definitions\)$/);
    expect(result.stdout).toMatch(/^9 compiled, 0 broken$/m);
    expect(result.stdout).not.toContain('without a schema');
  });

  it('names each broken file with its reason and exits 2', async () => {
    const result = await schemas({ schemas: 'schemas' });
    expect(result.code).toBe(ExitCode.Usage);
    expect(result.stdout).toContain(`schemas in ${brokenDir}\n`);
    expect(lineFor(result.stdout, 'agent_thinking.schema.json')).toMatch(
      /✖ agent_thinking\.schema\.json +broken: not valid JSON: .*\(line 2, column 1\)/,
    );
    expect(lineFor(result.stdout, 'tool_executing.schema.json')).toMatch(
      /✖ tool_executing\.schema\.json +broken: .*type/,
    );
    expect(lineFor(result.stdout, 'agent_started.schema.json')).toMatch(/required event$/);
    expect(result.stdout).toContain(
      'required events without a schema: agent_thinking, tool_executing',
    );
    expect(result.stdout).toMatch(/^7 compiled, 2 broken$/m);
  });

  it('exits 2 for a directory without schemas', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty, { recursive: true });
    await expect(schemas({ schemas: empty })).rejects.toMatchObject({
      code: 'SCHEMAS_DIR_EMPTY',
      exitCode: ExitCode.Usage,
    });
  });

  it("lists each selected profile's schemas, naming the profile", async () => {
    const result = await runCli(['schemas', '--profile', 'bridge,flat']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^schemas in .*[/\\]profiles[/\\]bridge \(profile bridge\)$/m);
    expect(result.stdout).toMatch(/^schemas in .*[/\\]profiles[/\\]flat \(profile flat\)$/m);
    expect(result.stdout).toMatch(/✔ defs\/event\.schema\.json +\(shared definitions\)/);
    expect(result.stdout).toMatch(/✔ tool_completed\.schema\.json +tool_completed +required event/);
  });

  it('takes --schemas on the command line', async () => {
    const result = await runCli(['schemas', '--schemas', brokenDir]);
    expect(result.code).toBe(ExitCode.Usage);
    expect(result.stdout).toMatch(/^7 compiled, 2 broken$/m);
  });
});

describe('contract coverage in the run report', () => {
  it('lists types without a schema and schemas never exercised (wrapped scenario)', async () => {
    const json = await runCli(['--env', 'embedded', '--scenario', 'wrapped', '--json']);
    expect(json.code).toBe(ExitCode.ContractFailed);
    const report = JSON.parse(json.stdout) as RunReport;
    expect([...report.coverage.unvalidatedTypes].sort()).toEqual([
      'agent_progress',
      'agent_response_complete',
      'system_message',
    ]);
    expect(report.coverage.unusedSchemas).toEqual(expect.arrayContaining([...REQUIRED_EVENTS]));
    expect(report.coverage.unusedSchemas).not.toContain('connection_established');

    const human = await runCli(['--env', 'embedded', '--scenario', 'wrapped']);
    expect(human.code).toBe(ExitCode.ContractFailed);
    expect(human.stdout).toMatch(/^coverage$/m);
    expect(human.stdout).toMatch(/^ {2}types without a schema +.*system_message/m);
    expect(human.stdout).toMatch(/^ {2}schemas never exercised +.*agent_started/m);
  });
});

describe('ws-validate envs', () => {
  const config = {
    defaultEnv: 'dev',
    environments: {
      dev: { url: 'wss://dev.example.com/ws?token=abc&region=eu', tokenEnv: 'DEV_WS_TOKEN' },
      staging: { timeout: '45s' },
    },
  };

  function expectListing(result: CliResult, source: string): void {
    expect(result.code).toBe(ExitCode.Pass);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.split(/\s+/)[0])).toEqual([
      'local',
      'staging',
      'production',
      'embedded',
      'dev',
    ]);
    expect(lines.find((l) => l.startsWith('dev '))).toMatch(
      new RegExp(
        `wss://dev\\.example\\.com/ws\\?token=\\*\\*\\*&region=eu +\\[default; from ${source}\\]$`,
      ),
    );
    expect(lines.find((l) => l.startsWith('staging '))).toContain(
      'wss://api.staging.netrasystems.ai/ws',
    );
    expect(lines.find((l) => l.startsWith('production '))).toContain('needs --confirm-production');
    expect(result.stdout).not.toContain('abc');
  }

  it('lists built-ins and the config file of the working directory, URLs redacted', async () => {
    const cwd = join(dir, 'project');
    await mkdir(cwd, { recursive: true });
    const path = join(cwd, 'ws-validate.config.json');
    await writeFile(path, JSON.stringify(config));
    expectListing(await runCli(['envs'], { cwd }), path.replace(/[.]/g, '\\.'));
  });

  it('reads the file given with --config', async () => {
    const path = join(dir, 'envs.config.json');
    await writeFile(path, JSON.stringify(config));
    expectListing(await runCli(['envs', '--config', path]), path.replace(/[.]/g, '\\.'));
  });

  it('lists only the built-ins without a config file', async () => {
    const cwd = join(dir, 'bare');
    await mkdir(cwd, { recursive: true });
    const result = await runCli(['envs'], { cwd });
    expect(result.code).toBe(ExitCode.Pass);
    expect(result.stdout).toMatch(/^embedded +\(reference server started in-process\)$/m);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(4);
  });
});
