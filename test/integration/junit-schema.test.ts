import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// Jenkins' junit-10.xsd, written out by hand from its published text.
const XSD = fileURLToPath(new URL('../fixtures/junit/junit-10.xsd', import.meta.url));
const GOLDEN = fileURLToPath(new URL('../fixtures/golden/', import.meta.url));

/** What `xmllint --schema` says of a file: its exit code and messages. */
function xmllint(path: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    execFile('xmllint', ['--noout', '--schema', XSD, path], (error, stdout, stderr) => {
      if (error !== null && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(
          new Error(
            'xmllint is not installed: apt-get install -y libxml2-utils (.ci/run installs it)',
          ),
        );
        return;
      }
      const code = error === null ? 0 : Number((error as { code?: unknown }).code ?? 1);
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-junit-xsd-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI with a JUnit report and returns the file and the exit code. */
async function junitOf(
  name: string,
  args: readonly string[],
): Promise<{ code: number; xml: string; path: string }> {
  const path = join(dir, `${name}.xml`);
  const { code } = await runCli([
    ...args,
    '--quiet',
    '--grace',
    '50ms',
    '--report',
    `junit=${path}`,
  ]);
  return { code, xml: await readFile(path, 'utf8'), path };
}

const embedded = (scenario: string, ...more: string[]): string[] => [
  ...['--env', 'embedded', '--scenario', scenario, '--timeout', '5s'],
  ...more,
];

describe('the JUnit files validate against junit-10.xsd', () => {
  it('control: a root <testsuites> with a skipped count is refused', async () => {
    const path = join(dir, 'control.xml');
    await writeFile(
      path,
      '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="x" tests="0" failures="0" errors="0" skipped="0"></testsuites>\n',
    );
    const { code, output } = await xmllint(path);
    expect(code).not.toBe(0);
    expect(output).toContain("attribute 'skipped': The attribute 'skipped' is not allowed");
  });

  it.each([
    ['a pass', embedded('happy'), 0],
    ['a schema failure', embedded('schema_violation'), 1],
    ['a non-JSON frame (the verdict testcase)', embedded('non_json'), 1],
    ['a dropped run', embedded('drop'), 3],
    ['an auth failure', embedded('auth_fail'), 4],
    ['a run judged by every built-in profile', embedded('happy', '--profile', 'all'), 1],
  ])('of one run: %s', async (name, args, exitCode) => {
    const { code, path } = await junitOf(`single-${name.replace(/\W+/g, '-')}`, args);
    expect(code).toBe(exitCode);
    expect(await xmllint(path)).toEqual({ code: 0, output: `${path} validates\n` });
  });

  it.each([
    ['passing', embedded('happy', '--runs', '3', '--concurrency', '3'), 0],
    [
      'failing its gate',
      embedded('missing_agent_thinking', '--runs', '3', '--concurrency', '3'),
      1,
    ],
    [
      'passing its gate with failed runs',
      embedded(
        'missing_agent_thinking',
        '--runs',
        '2',
        '--concurrency',
        '2',
        '--min-pass-rate',
        '0',
      ),
      0,
    ],
    ['with no run judged', embedded('http_401', '--runs', '2', '--concurrency', '2'), 4],
  ])('of repeated runs: %s', async (name, args, exitCode) => {
    const { code, path, xml } = await junitOf(`batch-${name.replace(/\W+/g, '-')}`, args);
    expect(code).toBe(exitCode);
    expect(await xmllint(path)).toEqual({ code: 0, output: `${path} validates\n` });
    // A batch that exits 0 holds nothing a publisher would count against it.
    if (exitCode === 0) expect(xml).not.toMatch(/<failure|<error/);
    else expect(xml).toMatch(/<failure|<error/);
  });

  it('of every golden JUnit file', async () => {
    const goldens = (await readdir(GOLDEN)).filter((f) => f.endsWith('.xml'));
    expect(goldens.length).toBeGreaterThan(0);
    for (const file of goldens) {
      const path = join(GOLDEN, file);
      expect(await xmllint(path)).toEqual({ code: 0, output: `${path} validates\n` });
    }
  });
});
