import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const HAPPY = new URL('../fixtures/recordings/happy.ndjson', import.meta.url);
const README = new URL('../../README.md', import.meta.url);

let dir: string;
let happy: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-check-inputs-'));
  happy = await readFile(HAPPY, 'utf8');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** `check` of a file, expecting a usage error: one error line, one hint line, nothing on stdout. */
async function refused(path: string) {
  const result = await runCli(['check', path]);
  expect(result.code, result.stdout).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^error: .+\nhint: .+\n$/);
  return result.stderr;
}

describe('check of a file that is not a stream of frames', () => {
  it('refuses a JSON report (pretty-printed, or on one line)', async () => {
    const live = await runCli(['check', HAPPY.pathname, '--json']);
    expect(live.code).toBe(0);
    const pretty = await fileWith('report.json', live.stdout);
    expect(await refused(pretty)).toMatch(
      /^error: .*report\.json holds no frame: no line is a JSON object with a "type"\nhint: /,
    );
    const compact = await fileWith(
      'report-line.json',
      `${JSON.stringify(JSON.parse(live.stdout))}\n`,
    );
    expect(await refused(compact)).toMatch(/holds no frame/);
  });

  it('refuses a JUnit report and a README', async () => {
    const xml = await runCli(['check', HAPPY.pathname, '--report', `junit=${join(dir, 'r.xml')}`]);
    expect(xml.code).toBe(0);
    expect(await refused(join(dir, 'r.xml'))).toMatch(/holds no frame/);
    expect(await refused(README.pathname)).toMatch(/README\.md holds no frame/);
  });

  it('refuses a recording without its header line, and says so', async () => {
    const headless = await fileWith('headless.ndjson', happy.split('\n').slice(1).join('\n'));
    expect(await refused(headless)).toMatch(
      /holds no frame.*\nhint: .*recording without its header line/,
    );
  });

  it('says gzip for a gzip file, not UTF-16', async () => {
    const gz = await fileWith('happy.ndjson.gz', gzipSync(happy));
    expect(await refused(gz)).toMatch(
      /^error: .*happy\.ndjson\.gz is gzip-compressed\nhint: .*gunzip/,
    );
  });

  it('still reads a plain NDJSON file with one frame among other lines', async () => {
    const plain = await fileWith('plain.ndjson', `debug: starting\n{"type":"heartbeat"}\n`);
    const result = await runCli(['check', plain, '--quiet']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL /);
  });
});

describe('check -', () => {
  it('reads the recording from standard input', async () => {
    const result = await runCli(['check', '-', '--quiet'], { stdin: Readable.from([happy]) });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^PASS {2}5\/5 events/);
  });
});

describe('an edited recording', () => {
  const lines = (): string[] => happy.trimEnd().split('\n');

  it('with its lines reordered is refused, naming the line', async () => {
    const moved = lines();
    const [thinking] = moved.splice(3, 1);
    moved.splice(5, 0, thinking ?? '');
    const path = await fileWith('reordered.ndjson', `${moved.join('\n')}\n`);
    expect(await refused(path)).toMatch(
      /^error: .*reordered\.ndjson:6: seq 3 comes after seq 5: the recording was reordered or edited\n/,
    );
  });

  it('with a duplicated frame is refused', async () => {
    const twice = lines();
    twice.splice(4, 0, twice[3] ?? '');
    const path = await fileWith('duplicated.ndjson', `${twice.join('\n')}\n`);
    expect(await refused(path)).toMatch(/duplicated\.ndjson:5: seq 3 comes after seq 3/);
  });

  it('whose arrival times go back is refused', async () => {
    const back = lines().map((line) =>
      line.replace('"seq":5,"dir":"in","t":950', '"seq":5,"dir":"in","t":100'),
    );
    const path = await fileWith('time-back.ndjson', `${back.join('\n')}\n`);
    expect(await refused(path)).toMatch(/time-back\.ndjson:6: t 100 comes after t 388/);
  });

  it('cut before its end line is judged with an "incomplete recording" warning', async () => {
    const path = await fileWith('cut.ndjson', `${lines().slice(0, -3).join('\n')}\n`);
    const result = await runCli(['check', path]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /warnings\n {2}! incomplete recording: it has no end line, so how the session ended is unknown/,
    );
  });
});
