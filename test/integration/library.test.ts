import { createServer } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  AuthError,
  check,
  ConnectionError,
  InterruptedError,
  reportOf,
  startReferenceServer,
  UsageError,
  validate,
  type CheckOptions,
  type RunningReferenceServer,
  type RunReport,
} from '../../src/index.js';

const FRAMES = fileURLToPath(new URL('../fixtures/frames/', import.meta.url));
const RECORDINGS = fileURLToPath(new URL('../fixtures/recordings/', import.meta.url));

let server: RunningReferenceServer;
let dir: string;

beforeAll(async () => {
  server = await startReferenceServer({ stepDelay: 0 });
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-library-'));
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

// A port that was free a moment ago: nothing listens there.
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function asRun(report: unknown): RunReport {
  expect(report).toHaveProperty('events');
  return report as RunReport;
}

describe('validate', () => {
  it('returns the JSON report of a passing run, printing nothing and holding no token', async () => {
    const stdout = vi.spyOn(process.stdout, 'write');
    const stderr = vi.spyOn(process.stderr, 'write');
    // The token also stands in the URL, which the report shows.
    const url = `${server.url}?hint=${server.token}`;
    const report = asRun(await validate({ url, token: server.token, grace: 0 }));
    expect(report.verdict).toBe('pass');
    expect(report.exitCode).toBe(0);
    expect(Object.keys(report).slice(0, 3)).toEqual(['schemaVersion', 'verdict', 'exitCode']);
    expect(report.events.map((e) => e.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass']);
    expect(JSON.stringify(report)).not.toContain(server.token);
    expect(stdout).not.toHaveBeenCalled();
    expect(stderr).not.toHaveBeenCalled();
  });

  it('takes durations as text or milliseconds and mints with jwtSecret', async () => {
    const report = asRun(
      await validate({
        url: server.url,
        jwtSecret: server.secret,
        timeout: 10_000,
        firstEventTimeout: '5s',
        grace: 1,
      }),
    );
    expect(report.exitCode).toBe(0);
    expect(JSON.stringify(report)).not.toContain(server.secret);
  });

  it('returns the report of a contract failure (exit 1) rather than throwing', async () => {
    const report = asRun(
      await validate({ url: `${server.url}?scenario=bridge_shape`, token: server.token }),
    );
    expect(report.verdict).toBe('fail');
    expect(report.exitCode).toBe(1);
    expect(report.diagnoses.map((d) => d.code)).toContain('shape_drift');
  });

  it('judges against the profiles it is given', async () => {
    const report = asRun(
      await validate({
        url: `${server.url}?scenario=bridge_shape`,
        token: server.token,
        profile: ['bridge', 'canonical'],
        grace: 0,
      }),
    );
    expect(report.profiles.map((p) => [p.name, p.exitCode])).toEqual([
      ['bridge', 0],
      ['canonical', 1],
    ]);
    expect(report.exitCode).toBe(1);
  });

  it('returns the aggregate report of repeated runs', async () => {
    const report = await validate({
      env: 'embedded',
      runs: 3,
      concurrency: 3,
      grace: '1ms',
    });
    expect('aggregate' in report && report.aggregate).toMatchObject({ total: 3, passed: 3 });
    expect(report.exitCode).toBe(0);
  });

  it('throws ConnectionError (exit 3) when nothing listens, with the report of the run', async () => {
    const url = `ws://127.0.0.1:${await closedPort()}/ws`;
    const error = await validate({ url, connectTimeout: '2s' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ exitCode: 3, code: 'CONNECTION_REFUSED' });
    expect(reportOf(error)).toMatchObject({ exitCode: 3, verdict: 'error' });
  });

  it('throws AuthError (exit 4) for a token the server rejects, without the token in it', async () => {
    const wrong = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.not-the-right-signature-at-all';
    const error = await validate({ url: server.url, token: wrong }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ exitCode: 4, code: 'AUTH_FAILED' });
    expect(JSON.stringify(reportOf(error))).not.toContain('not-the-right-signature');
  });

  it('throws InterruptedError (exit 130) when its signal aborts, keeping the partial report', async () => {
    const controller = new AbortController();
    const running = validate({
      url: `${server.url}?scenario=stall`,
      token: server.token,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 300);
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect(error).toMatchObject({ exitCode: 130, code: 'INTERRUPTED' });
    expect(reportOf(error)).toMatchObject({ exitCode: 130 });
  });

  it('throws UsageError (exit 2) for an unknown option, naming the one meant', async () => {
    const error = await validate({ url: server.url, ...{ jwt_secret: 'x' } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ exitCode: 2, code: 'UNKNOWN_OPTION' });
    expect((error as UsageError).hint).toBe('did you mean "jwtSecret"?');
  });

  it.each([
    [{ timeout: 'soon' }, 'BAD_DURATION'],
    [{ runs: 0 }, 'BAD_NUMBER'],
    [{ auth: 'cookie' }, 'BAD_AUTH_PLACEMENT'],
    [{ insecure: 'yes' }, 'BAD_OPTION'],
    [{ report: 'junit=x.xml' }, 'BAD_OPTION'],
    [{ json: true }, 'UNKNOWN_OPTION'],
  ])('throws UsageError for %j', async (bad, code) => {
    const error = await validate({ url: server.url, ...(bad as object) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ exitCode: 2, code });
  });

  it('reads env vars only from envVars', async () => {
    vi.stubEnv('WS_VALIDATE_JWT_SECRET', server.secret);
    try {
      // The process has the secret, but validate does not look: no token, so the server refuses.
      const error = await validate({ url: server.url, grace: 0 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      const report = await validate({
        url: server.url,
        grace: 0,
        envVars: { WS_VALIDATE_JWT_SECRET: server.secret },
      });
      expect(report.exitCode).toBe(0);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("runs a token command with the caller's environment", async () => {
    vi.stubEnv('LIBRARY_TEST_TOKEN', server.token);
    try {
      const report = await validate({
        url: server.url,
        tokenCommand: 'printf %s "$LIBRARY_TEST_TOKEN"',
        grace: 0,
      });
      expect(report.exitCode).toBe(0);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('reads a config file only when asked', async () => {
    const config = join(dir, 'ws-validate.config.json');
    await writeFile(
      config,
      JSON.stringify({
        $schema: './node_modules/ws-validate/config.schema.json',
        defaultEnv: 'mine',
        environments: { mine: { url: server.url, tokenEnv: 'MY_TOKEN' } },
      }),
    );
    const report = await validate({ config, envVars: { MY_TOKEN: server.token }, grace: 0 });
    expect(report.target).toEqual({ env: 'mine', url: server.url });
    expect(report.exitCode).toBe(0);
    // Without `config`, ./ws-validate.config.json is not read: the default environment is local.
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const error = await validate({ envVars: {}, connectTimeout: '1s', url: undefined }).catch(
        (e: unknown) => e,
      );
      expect(reportOf(error)?.target.env).toBe('local');
    } finally {
      process.chdir(cwd);
    }
  });

  it('writes the report files it is asked for, with secrets masked', async () => {
    const junit = join(dir, 'reports', 'ws.xml');
    await validate({
      url: `${server.url}?hint=${server.token}`,
      token: server.token,
      report: [`junit=${junit}`],
      grace: 0,
    });
    const xml = await readFile(junit, 'utf8');
    expect(xml).toContain('<testsuites');
    expect(xml).not.toContain(server.token);
  });
});

describe('check', () => {
  it('re-judges a recording as `ws-validate check` does', async () => {
    const report = await check(join(RECORDINGS, 'bridge-shape.ndjson'));
    expect(report.exitCode).toBe(1);
    expect(report.diagnoses.map((d) => d.code)).toContain('shape_drift');
  });

  it('re-judges a recording against the profiles it is given', async () => {
    const report = await check(join(RECORDINGS, 'bridge-shape.ndjson'), { profile: ['bridge'] });
    expect(report.profiles.map((p) => p.name)).toEqual(['bridge']);
    expect(report.exitCode).toBe(0);
  });

  it('judges frames given as JSON text or objects, sync or async, like the file of them', async () => {
    const file = join(FRAMES, 'canonical-run.ndjson');
    const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
    async function* objects(): AsyncIterable<unknown> {
      for (const line of lines) {
        // Frames arrive one at a time, as from a socket.
        await new Promise((resolve) => setImmediate(resolve));
        yield JSON.parse(line) as unknown;
      }
    }
    const fromFile = await check(file);
    const fromText = await check(lines);
    const fromObjects = await check(objects());
    expect(fromFile.exitCode).toBe(0);
    for (const report of [fromText, fromObjects]) {
      expect(report.exitCode).toBe(0);
      expect(report.events).toEqual(fromFile.events);
      expect(report.target.url).toBe('(frames)');
    }
  });

  it('fails frames that break the contract, and a non-JSON frame', async () => {
    const bridge = (await readFile(join(FRAMES, 'bridge-shape-run.ndjson'), 'utf8'))
      .split('\n')
      .filter(Boolean);
    expect((await check(bridge)).exitCode).toBe(1);
    const withText = await check([...bridge.slice(0, 2), 'not json\nat all']);
    expect(withText.diagnoses.map((d) => d.code)).toContain('invalid_frame');
  });

  it('throws UsageError for a file it cannot read and for a run option', async () => {
    await expect(check(join(dir, 'missing.ndjson'))).rejects.toMatchObject({
      exitCode: 2,
      code: 'TRANSCRIPT_UNREADABLE',
    });
    await expect(check([], { url: server.url } as CheckOptions)).rejects.toMatchObject({
      code: 'UNKNOWN_OPTION',
    });
  });
});

describe('startReferenceServer', () => {
  it('takes a scenario, a secret and a port, and gives a token for them', async () => {
    const own = await startReferenceServer({
      scenario: 'missing_agent_thinking',
      secret: 'a-secret-of-mine',
    });
    try {
      expect(own.secret).toBe('a-secret-of-mine');
      expect(own.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
      const report = asRun(await validate({ url: own.url, token: own.token, grace: 0 }));
      expect(report.events.find((e) => e.type === 'agent_thinking')?.status).toBe('missing');
    } finally {
      await own.close();
    }
  });

  it('refuses a port out of range and an empty secret', async () => {
    await expect(startReferenceServer({ port: 70_000 })).rejects.toBeInstanceOf(UsageError);
    await expect(startReferenceServer({ secret: '' })).rejects.toBeInstanceOf(UsageError);
  });
});
