import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/bin.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import {
  playCanonicalRun,
  startWsFaultServer,
  type FaultServer,
} from '../helpers/fault-servers.js';

// Never reached: every case below must fail before connecting.
const NOWHERE = 'ws://127.0.0.1:1/ws';
const STACK_LINE = /^\s+at .+[:(]\d+:\d+\)?$/m;

let dir: string;
let server: FaultServer;

const path = (name: string): string => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-bad-input-'));
  server = await startWsFaultServer((peer) => playCanonicalRun(peer));
  await writeFile(path('not-json.config.json'), '{ "environments": {\n  oops\n');
  await writeFile(
    path('invalid.config.json'),
    JSON.stringify({ environments: { dev: { url: server.url, timeout: 5 } } }),
  );
  await writeFile(
    path('protected.config.json'),
    JSON.stringify({ environments: { live: { url: server.url, protected: true } } }),
  );
  await mkdir(path('schemas-not-json'));
  await writeFile(path('schemas-not-json/agent_started.schema.json'), 'type: object\n');
  await mkdir(path('schemas-bad'));
  await writeFile(
    path('schemas-bad/agent_started.schema.json'),
    JSON.stringify({ $id: 'https://example.test/bad.json', type: 'objekt' }),
  );
  await writeFile(path('trigger-not-json.json'), '{"type": "agent_execution",\n');
  await writeFile(path('trigger-no-type.json'), '{"message": "{{message}}"}');
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Asserts exit 2, nothing on stdout, one `error:` line matching `message`, one `hint:` line. */
function expectUsageError(result: CliResult, message: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(2);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(message);
  expect(lines[1]).toMatch(/^hint: \S/);
  expect(result.stderr).not.toMatch(STACK_LINE);
}

// Paths are absolute: only --config resolves against the CLI's working directory.
const CASES: [string, () => string[], RegExp][] = [
  ['an unknown flag', () => ['--bogus'], /unknown option '--bogus'/],
  ['a misspelt flag, with a suggestion', () => ['--tokn', 'x'], /--tokn'.*Did you mean --token\?/],
  ['an unknown --env', () => ['--env', 'nowhere'], /unknown environment "nowhere"/],
  [
    'a config file that is not JSON',
    () => ['--config', path('not-json.config.json'), '--env', 'dev'],
    /not-json\.config\.json is not valid JSON/,
  ],
  [
    'an invalid config file, naming the field',
    () => ['--config', path('invalid.config.json'), '--env', 'dev'],
    /invalid\.config\.json: "environments\.dev\.timeout" must be a string/,
  ],
  [
    'a URL that is not ws/wss',
    () => ['--url', 'http://127.0.0.1/ws'],
    /http:\/\/ is not a WebSocket/,
  ],
  ['a URL that is not a URL', () => ['--url', 'not a url'], /"not a url" is not a URL/],
  [
    'an unreadable --token-file',
    () => ['--url', NOWHERE, '--token-file', path('missing-token.txt')],
    /Cannot read the token file .*missing-token\.txt \(ENOENT\)/,
  ],
  [
    'a failing --token-command',
    () => ['--url', NOWHERE, '--token-command', 'echo "no session" >&2; exit 3'],
    /The token command \(echo\) exited with code 3/,
  ],
  [
    'a failing --token-command that explains nothing',
    () => ['--url', NOWHERE, '--token-command', 'false'],
    /The token command \(false\) exited with code 1/,
  ],
  [
    'a bad duration',
    () => ['--env', 'embedded', '--timeout', '10 parsecs'],
    /--timeout: "10 parsecs"/,
  ],
  [
    'a missing --schemas directory',
    () => ['--env', 'embedded', '--schemas', path('no-such-schemas')],
    /Schema directory .*no-such-schemas does not exist/,
  ],
  [
    'a schema file that is not JSON, naming the file',
    () => ['--env', 'embedded', '--schemas', path('schemas-not-json')],
    /schemas-not-json\/agent_started\.schema\.json is invalid: not valid JSON/,
  ],
  [
    'a schema that does not compile, naming the file',
    () => ['--env', 'embedded', '--schemas', path('schemas-bad')],
    /schemas-bad\/agent_started\.schema\.json is invalid: schema is invalid/,
  ],
  [
    'a trigger template that is not JSON',
    () => ['--env', 'embedded', '--trigger', path('trigger-not-json.json')],
    /trigger-not-json\.json: the trigger template is not JSON/,
  ],
  [
    'a trigger template without a type',
    () => ['--env', 'embedded', '--trigger', path('trigger-no-type.json')],
    /trigger-no-type\.json: the trigger template has no "type"/,
  ],
  [
    'an unknown --scenario with --env embedded',
    () => ['--env', 'embedded', '--scenario', 'meltdown'],
    /--scenario: unknown scenario "meltdown"/,
  ],
  [
    '--env production without --confirm-production',
    () => ['--env', 'production'],
    /"production" runs real agents for real money; nothing was sent/,
  ],
];

describe.concurrent('bad input: one error line, one hint, exit 2, no stack', () => {
  it.each(CASES)('%s', async (_name, args, message) => {
    const result = await runCli(args(), { cwd: dir });
    expectUsageError(result, message);
  });

  it('an unknown --scenario lists the known ones', async () => {
    const result = await runCli(['--env', 'embedded', '--scenario', 'meltdown']);
    expect(result.stderr).toMatch(/^hint: use one of happy, .*\bslow_trickle\b/m);
  });

  it('a failing --token-command shows the last line it printed on stderr', async () => {
    const result = await runCli([
      '--url',
      NOWHERE,
      '--token-command',
      'echo "no session" >&2; exit 3',
    ]);
    expect(result.stderr).toMatch(/^hint: It said on stderr: no session$/m);
  });

  it('a hanging --token-command is cut at the connect budget', async () => {
    const started = performance.now();
    const result = await runCli([
      '--url',
      NOWHERE,
      '--token-command',
      'sleep 30',
      '--connect-timeout',
      '300ms',
    ]);
    const ms = performance.now() - started;
    expectUsageError(result, /The token command \(sleep\) did not finish within 300 ms/);
    expect(ms).toBeLessThan(2000);
  });

  it('a protected environment without --confirm-production sends nothing', async () => {
    const result = await runCli(['--config', 'protected.config.json', '--env', 'live'], {
      cwd: dir,
    });
    expectUsageError(result, /"live" runs real agents for real money; nothing was sent/);
    expect(server.connections).toBe(0);
    // The same environment does run once confirmed, so the server above was reachable.
    const confirmed = await runCli(
      ['--config', 'protected.config.json', '--env', 'live', '--confirm-production'],
      { cwd: dir },
    );
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(server.connections).toBe(1);
  });
});

describe('bad input through the built bin', () => {
  it('prints no stack trace for a user error', async () => {
    const results = await Promise.all([
      runBin(['--env', 'embedded', '--scenario', 'meltdown']),
      runBin(['--config', 'not-json.config.json', '--env', 'dev'], { cwd: dir }),
      runBin(['--bogus']),
    ]);
    for (const result of results) {
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(/^error: .+\nhint: .+\n$/);
      expect(result.stderr).not.toMatch(STACK_LINE);
      expect(result.stderr).not.toMatch(/internal error/);
    }
  });
});
