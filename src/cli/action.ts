// The program behind action.yml's run step: turns the action's inputs into a ws-validate run
// and its JSON report into the action's outputs. A composite action gets no INPUT_* variables;
// action.yml maps each input into the step's environment under WS_VALIDATE_ACTION_<NAME>.
import { spawn } from 'node:child_process';
import { appendFile, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AggregateReport } from '../contract/aggregate.js';
import type { RunReport } from '../contract/run-report.js';
import { actionOutputs, type ActionOutputs } from '../report/action-outputs.js';
import { ExitCode, WsValidateError } from '../shared/errors.js';
import { flattenLines } from '../shared/fields.js';
import { packageRoot } from '../shared/package.js';
import { splitWords } from '../shared/words.js';

type Env = Readonly<Record<string, string | undefined>>;

const INPUT_PREFIX = 'WS_VALIDATE_ACTION_';

// Inputs passed on as an option when set, by the option's long flag.
const VALUE_INPUTS = {
  env: '--env',
  url: '--url',
  config: '--config',
  profile: '--profile',
  runs: '--runs',
  concurrency: '--concurrency',
  'min-pass-rate': '--min-pass-rate',
} as const;

// Secret inputs go to the run through the env vars the CLI reads, never on its command line.
const SECRET_INPUTS = {
  token: 'WS_VALIDATE_TOKEN',
  'jwt-secret': 'WS_VALIDATE_JWT_SECRET',
  'e2e-key': 'E2E_OAUTH_SIMULATION_KEY',
} as const;

const DEFAULT_REPORT_DIR = 'ws-validate-reports';

/** The value of an action input from the step's environment; empty when not given. */
export function actionInput(env: Env, name: string): string {
  return env[`${INPUT_PREFIX}${name.toUpperCase().replace(/-/g, '_')}`]?.trim() ?? '';
}

/** The ws-validate arguments for the action's inputs; the two reports always go to `reports`. */
export function actionArguments(env: Env, reports: { junit: string; json: string }): string[] {
  const args: string[] = [];
  for (const [name, flag] of Object.entries(VALUE_INPUTS)) {
    const value = actionInput(env, name);
    if (value !== '') args.push(`${flag}=${value}`);
  }
  args.push(...splitWords(actionInput(env, 'args')));
  args.push(`--report=junit=${reports.junit}`, `--report=json=${reports.json}`);
  return args;
}

/** The environment of the run: the step's, less the action's inputs, plus the secret inputs given. */
export function runEnvironment(env: Env): Record<string, string> {
  const runEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith(INPUT_PREFIX) && value !== undefined) runEnv[key] = value;
  }
  for (const [name, variable] of Object.entries(SECRET_INPUTS)) {
    const value = actionInput(env, name);
    if (value !== '') runEnv[variable] = value;
  }
  return runEnv;
}

/** Runs ws-validate for the action's inputs, writes the outputs, and returns the step's exit code. */
export async function runAction(env: Env): Promise<number> {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const reportDir = resolve(workspace, actionInput(env, 'report-dir') || DEFAULT_REPORT_DIR);
  const paths = {
    junit: join(reportDir, 'ws-validate.xml'),
    json: join(reportDir, 'ws-validate.json'),
  };
  const failOnError = actionInput(env, 'fail-on-error') !== 'false';
  // The runner hides these in every later log line, whatever the workflow passed them from.
  for (const name of Object.keys(SECRET_INPUTS)) {
    const value = actionInput(env, name);
    if (value !== '') process.stdout.write(maskCommand(value));
  }
  let code: number;
  let report: RunReport | AggregateReport | null = null;
  try {
    const args = actionArguments(env, paths);
    // A report left by an earlier use of the action in this job must not pass for this one's.
    await Promise.all([rm(paths.junit, { force: true }), rm(paths.json, { force: true })]);
    code = await runCli(args, workspace, runEnvironment(env));
    report = await readReport(paths.json);
  } catch (error) {
    if (!(error instanceof WsValidateError)) throw error;
    process.stderr.write(`::error title=ws-validate::${flattenLines(error.message)}\n`);
    if (error.hint !== undefined) process.stderr.write(`hint: ${error.hint}\n`);
    code = error.exitCode;
  }
  await writeOutputs(env, actionOutputs(code, report, paths));
  return failOnError ? code : ExitCode.Pass;
}

/**
 * The workflow command that masks a secret in the log; its data is escaped as the runner expects,
 * so that a secret with a line break stays one command rather than printing its second line.
 */
export function maskCommand(secret: string): string {
  const data = secret.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return `::add-mask::${data}\n`;
}

function runCli(args: string[], cwd: string, env: Record<string, string>): Promise<number> {
  const bin = join(packageRoot(), 'bin', 'ws-validate.js');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise(code ?? ExitCode.Interrupted));
  });
}

async function readReport(path: string): Promise<RunReport | AggregateReport | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as RunReport | AggregateReport;
  } catch {
    return null;
  }
}

async function writeOutputs(env: Env, outputs: ActionOutputs): Promise<void> {
  const lines = Object.entries(outputs).map(([name, value]) => `${name}=${value}\n`);
  if (env.GITHUB_OUTPUT) await appendFile(env.GITHUB_OUTPUT, lines.join(''));
  else process.stdout.write(lines.join(''));
}
