// Runs action.yml's steps the way a runner does: the action's files as a fresh clone holds them at
// GITHUB_ACTION_PATH (no node_modules, no dist/), an empty workspace, GITHUB_OUTPUT /
// GITHUB_STEP_SUMMARY / GITHUB_ENV as files, `${{ }}` expressions substituted, and no INPUT_*
// variables (a composite action gets none). actions/setup-node cannot run here: the steps after it
// use this machine's node.
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type RunningReferenceServer } from '../../src/index.js';
import { execOk } from '../helpers/exec.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  with?: Record<string, string>;
  shell?: string;
  run?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
  if?: string;
}

interface ActionFile {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

interface ActionRun {
  /** The exit code of the step that failed, or 0. */
  code: number;
  outputs: Record<string, string>;
  log: string;
  summary: string;
}

let scratch: string;
let actionPath: string;
let server: RunningReferenceServer;
const action = parse(await readFile(join(ROOT, 'action.yml'), 'utf8')) as ActionFile;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'ws-validate-action-'));
  actionPath = join(scratch, 'action');
  // What a clone of the repository would hold: tracked files and new ones not ignored.
  const listed = await execOk(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    { cwd: ROOT },
  );
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    const from = join(ROOT, file);
    if (!(await stat(from).catch(() => null))?.isFile()) continue;
    await mkdir(dirname(join(actionPath, file)), { recursive: true });
    await copyFile(from, join(actionPath, file));
  }
  server = await startReferenceServer({ stepDelay: 0 });
});

afterAll(async () => {
  await server?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function runAction(
  inputs: Record<string, string>,
): Promise<ActionRun & { workspace: string }> {
  const workspace = await mkdtemp(join(scratch, 'workspace-'));
  const runnerTemp = await mkdtemp(join(scratch, 'runner-'));
  const summaryFile = join(runnerTemp, 'step-summary.md');
  const envFile = join(runnerTemp, 'env');
  await writeFile(summaryFile, '');
  await writeFile(envFile, '');
  for (const name of Object.keys(inputs)) expect(action.inputs, name).toHaveProperty(name);
  const steps: Record<string, Record<string, string>> = {};
  const evaluate = (text: string): string =>
    text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expression: string) => {
      const input = /^inputs\.([\w-]+)$/.exec(expression);
      if (input) return inputs[input[1]!] ?? action.inputs[input[1]!]?.default ?? '';
      const output = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expression);
      if (output) return steps[output[1]!]?.[output[2]!] ?? '';
      if (expression === 'github.action_path') return actionPath;
      if (expression === 'github.workspace') return workspace;
      throw new Error(`action.yml uses an expression this runner does not know: ${expression}`);
    });
  const runnerEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION_PATH: actionPath,
    GITHUB_WORKSPACE: workspace,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_ENV: envFile,
    RUNNER_TEMP: runnerTemp,
    // Not the action's doing: lets npm ci take packages from this machine's cache.
    npm_config_prefer_offline: 'true',
  };
  let log = '';
  let code = 0;
  expect(action.runs.using).toBe('composite');
  for (const [index, step] of action.runs.steps.entries()) {
    expect(step.if, 'a step condition this runner does not evaluate').toBeUndefined();
    if (step.uses !== undefined) {
      expect(step.uses).toMatch(/^actions\/setup-node@/);
      expect(evaluate(step.with?.['node-version'] ?? '')).toBe(inputs['node-version'] ?? '24');
      continue;
    }
    const outputFile = join(runnerTemp, `output-${index}`);
    await writeFile(outputFile, '');
    const fromGithubEnv = parseKeyValues(await readFile(envFile, 'utf8'));
    const stepEnv = Object.fromEntries(
      Object.entries(step.env ?? {}).map(([key, value]) => [key, evaluate(String(value))]),
    );
    const script = join(runnerTemp, `step-${index}.sh`);
    await writeFile(script, evaluate(step.run ?? ''));
    expect(step.shell).toBe('bash');
    const result = await runBash(script, {
      cwd: step['working-directory'] ? evaluate(step['working-directory']) : workspace,
      env: { ...runnerEnv, ...fromGithubEnv, ...stepEnv, GITHUB_OUTPUT: outputFile },
    });
    log += result.output;
    if (step.id !== undefined) steps[step.id] = parseKeyValues(await readFile(outputFile, 'utf8'));
    if (result.code !== 0) {
      code = result.code;
      break;
    }
  }
  const outputs = Object.fromEntries(
    Object.entries(action.outputs).map(([name, output]) => [name, evaluate(output.value)]),
  );
  return { code, outputs, log, summary: await readFile(summaryFile, 'utf8'), workspace };
}

// `name=value` lines and `name<<DELIMITER` blocks, as GITHUB_OUTPUT and GITHUB_ENV hold them.
function parseKeyValues(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    const block = /^([^=<]+)<<(.+)$/.exec(line);
    if (block) {
      const end = lines.indexOf(block[2]!, i + 1);
      values[block[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      values[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return values;
}

function runBash(
  script: string,
  options: { cwd: string; env: Record<string, string> },
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    // The runner's own command line for `shell: bash`.
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      ...options,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 200_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

// Every line a log reader sees: the runner swallows its own `::add-mask::` commands.
const visible = (log: string): string =>
  log
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');

describe('action.yml', () => {
  it('installs itself in a fresh clone and reports a pass, with the secret kept out of every output', async () => {
    const run = await runAction({
      url: server.url,
      'jwt-secret': server.secret,
      runs: '2',
      concurrency: '2',
    });
    expect(run.code, run.log).toBe(0);
    const reports = join(run.workspace, 'ws-validate-reports');
    expect(run.outputs).toEqual({
      'exit-code': '0',
      verdict: 'pass',
      'pass-rate': '1',
      runs: '2',
      'failed-events': '',
      'junit-path': join(reports, 'ws-validate.xml'),
      'json-path': join(reports, 'ws-validate.json'),
    });
    const json = JSON.parse(await readFile(run.outputs['json-path']!, 'utf8')) as {
      aggregate: { total: number; passed: number };
    };
    expect(json.aggregate).toMatchObject({ total: 2, passed: 2 });
    const junit = await readFile(run.outputs['junit-path']!, 'utf8');
    expect(junit).toContain('<testsuites');
    expect(run.summary).toContain('ws-validate');
    expect(run.log).toContain(`::add-mask::${server.secret}`);
    for (const text of [visible(run.log), run.summary, junit, JSON.stringify(json)]) {
      expect(text).not.toContain(server.secret);
    }
  });

  it('reports a connection failure in its outputs and passes the step with fail-on-error false', async () => {
    const url = `ws://127.0.0.1:${await closedPort()}/ws`;
    const run = await runAction({
      url,
      token: server.token,
      'fail-on-error': 'false',
      args: '--connect-timeout 2s',
    });
    expect(run.log).toContain('already installed');
    expect(run.code, run.log).toBe(0);
    expect(run.outputs).toMatchObject({
      'exit-code': '3',
      verdict: 'error',
      'pass-rate': '0',
      runs: '1',
      'failed-events': '',
    });
    const json = JSON.parse(await readFile(run.outputs['json-path']!, 'utf8')) as {
      exitCode: number;
      error: { code: string };
    };
    expect(json).toMatchObject({ exitCode: 3, error: { code: 'CONNECTION_REFUSED' } });
    expect(visible(run.log)).not.toContain(server.token);
  });

  it('fails the step on a contract failure, naming the failed event, with args split like a shell', async () => {
    const run = await runAction({
      env: 'embedded',
      'report-dir': 'out/reports',
      args: `--scenario missing_tool_completed --record "recordings/one run.ndjson" --message 'say "hi" $HOME'`,
    });
    expect(run.code).toBe(1);
    expect(run.outputs).toMatchObject({
      'exit-code': '1',
      verdict: 'fail',
      'pass-rate': '0',
      runs: '1',
      'failed-events': 'tool_completed',
      'json-path': join(run.workspace, 'out', 'reports', 'ws-validate.json'),
    });
    const recording = await readFile(join(run.workspace, 'recordings', 'one run.ndjson'), 'utf8');
    const header = JSON.parse(recording.split('\n')[0]!) as {
      triggerFrame: { payload?: { message?: string } };
    };
    expect(JSON.stringify(header.triggerFrame)).toContain('say \\"hi\\" $HOME');
    expect(run.log).toMatch(/^::error /m);
  });

  it('gives exit code 2 and empty report paths for args it cannot split', async () => {
    const run = await runAction({ env: 'embedded', args: '--message "not closed' });
    expect(run.code).toBe(2);
    expect(run.outputs).toMatchObject({
      'exit-code': '2',
      verdict: 'error',
      runs: '0',
      'junit-path': '',
      'json-path': '',
    });
    expect(run.log).toContain('args: a " quote is not closed');
  });
});
