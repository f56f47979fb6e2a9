import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { runCli } from '../helpers/cli.js';

// Jenkins' junit-10.xsd, written out by hand from its published text.
const XSD = fileURLToPath(new URL('../fixtures/junit/junit-10.xsd', import.meta.url));
const GOLDEN = fileURLToPath(new URL('../fixtures/golden/', import.meta.url));

/** What `xmllint --schema` (libxml2, as WebAssembly) says of a file: 0 when it validates, and its messages. */
async function xmllint(path: string): Promise<{ code: number; output: string }> {
  const result = await validateXML({
    xml: [{ fileName: path, contents: await readFile(path, 'utf8') }],
    schema: [await readFile(XSD, 'utf8')],
  });
  return { code: result.valid ? 0 : 1, output: result.rawOutput };
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
