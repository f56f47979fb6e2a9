import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from '../../src/api/validate.js';
import type { RunReport } from '../../src/contract/run-report.js';
import { buildReportSchema } from '../../src/report/report-schema.js';
import { startReferenceServer, type ReferenceServer } from '../../src/server/index.js';
import { runCli, warmUpCli } from '../helpers/cli.js';
import {
  canonicalEvents,
  connectionEstablished,
  idsOf,
  startWsFaultServer,
  type FaultServer,
} from '../helpers/fault-servers.js';

const SECRET = 'validator-handshake-secret';
const FIRST_EVENT_MS = 800;
const FAST = ['--first-event-timeout', `${FIRST_EVENT_MS}ms`, '--timeout', '5s', '--grace', '50ms'];

let withHandshake: ReferenceServer;
let without: ReferenceServer;
let strict: FaultServer;
let dir: string;
/** What the strict server saw of each connection, in order: `ack`, `request`, `refused`. */
const strictLog: string[][] = [];

// A server that insists on the handshake of current servers (docs/protocol.md section 9): a
// request before the acknowledgement, or one without the server's thread_id, is closed with 1008.
function startStrictServer(): Promise<FaultServer> {
  return startWsFaultServer((peer) => {
    const seen: string[] = [];
    strictLog.push(seen);
    const threadId = `thread_strict_${strictLog.length}`;
    let acknowledged = false;
    peer.send(connectionEstablished());
    peer.send({ type: 'handshake_response', thread_id: threadId, timestamp: Date.now() / 1000 });
    peer.ws.on('message', (data) => {
      const frame = JSON.parse((data as Buffer).toString('utf8')) as Record<string, unknown>;
      if (frame.type === 'handshake_acknowledged' && frame.thread_id === threadId) {
        seen.push('ack');
        acknowledged = true;
        peer.send({ type: 'handshake_complete' });
        return;
      }
      const ids = idsOf(frame);
      if (!acknowledged || ids.threadId !== threadId) {
        seen.push('refused');
        peer.ws.close(1008, 'handshake required');
        return;
      }
      seen.push('request');
      for (const event of canonicalEvents({ threadId, runId: ids.runId })) peer.send(event);
    });
  });
}

beforeAll(async () => {
  await warmUpCli();
  withHandshake = await startReferenceServer({
    jwtSecret: SECRET,
    stepDelayMs: 5,
    handshake: true,
  });
  without = await startReferenceServer({ jwtSecret: SECRET, stepDelayMs: 5 });
  strict = await startStrictServer();
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-handshake-'));
}, 60_000);

afterAll(async () => {
  await Promise.all([withHandshake.close(), without.close(), strict.close()]);
  await rm(dir, { recursive: true, force: true });
});

async function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; report: RunReport; stderr: string }> {
  const result = await runCli([...args, '--jwt-secret', SECRET, '--json', ...FAST], { env });
  return {
    code: result.code,
    report: JSON.parse(result.stdout) as RunReport,
    stderr: result.stderr,
  };
}

/** The frames of a recording, `>` sent and `<` received, by type. */
async function recordedTypes(path: string): Promise<string[]> {
  const lines = (await readFile(path, 'utf8')).trim().split('\n').slice(1, -1);
  return lines.map((line) => {
    const { dir: way, frame } = JSON.parse(line) as { dir: string; frame?: { type?: string } };
    return `${way === 'out' ? '>' : '<'} ${frame?.type ?? '?'}`;
  });
}

const codes = (report: RunReport): string[] => report.diagnoses.map((d) => d.code);

// ajv-formats is CommonJS: its default export is the plugin under Node's ESM interop.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const validateReport = ajv.compile(buildReportSchema());

describe('the report of a run with a handshake', () => {
  it.each([
    ['answered', ['--url', 'WITH']],
    ['unanswered', ['--url', 'WITH', '--handshake', 'off']],
    ['never started', ['--url', 'WITH?scenario=handshake_never', '--handshake', 'on']],
  ])('conforms to report.schema.json: %s', async (_name, args) => {
    const { report } = await run(args.map((arg) => arg.replace('WITH', withHandshake.url)));
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
  });
});

describe('--handshake auto (the default)', () => {
  it("answers the server's handshake, sends the trigger again with its thread_id and passes; check agrees", async () => {
    const record = join(dir, 'auto.ndjson');
    const { code, report, stderr } = await run(['--url', withHandshake.url, '--record', record]);
    expect(code, stderr).toBe(0);
    expect(report.handshake).toEqual({
      threadId: expect.stringMatching(/^thread_/) as string,
      status: 'adopted',
      completed: true,
    });
    const types = await recordedTypes(record);
    expect(types.slice(0, 1)).toEqual(['> agent_execution']);
    expect(types.filter((t) => t.startsWith('>'))).toEqual([
      '> agent_execution',
      '> handshake_acknowledged',
      '> agent_execution',
    ]);
    const recorded = (await readFile(record, 'utf8')).split('\n');
    const sentAgain = recorded.filter((line) => line.includes('"dir":"out"')).at(-1) ?? '';
    expect(sentAgain).toContain(`"thread_id":"${report.handshake?.threadId ?? '-'}"`);
    const check = await runCli(['check', record, '--json']);
    expect(check.code, check.stderr).toBe(0);
    expect((JSON.parse(check.stdout) as RunReport).handshake).toEqual(report.handshake);
  });

  it('says so in the human report', async () => {
    const { code, stdout } = await runCli(['--url', withHandshake.url, '--jwt-secret', SECRET]);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^handshake answered; the run took the server's thread_id thread_\w+ \(handshake_complete received\)$/m,
    );
  });

  it('costs nothing against a server without a handshake: the trigger goes out first, alone', async () => {
    const record = join(dir, 'plain.ndjson');
    const { code, report } = await run(['--url', without.url, '--record', record]);
    expect(code).toBe(0);
    expect(report.handshake).toBeUndefined();
    const types = await recordedTypes(record);
    expect(types[0]).toBe('> agent_execution');
    expect(types.filter((t) => t.startsWith('>'))).toHaveLength(1);
    // Sent the moment the socket opened, before any frame of the server was waited for.
    const first = JSON.parse((await readFile(record, 'utf8')).split('\n')[1] ?? '') as {
      t: number;
    };
    expect(first.t).toBe(0);
  });

  it('against a server that insists on the handshake: its 1008 is explained, not taken for an auth failure', async () => {
    const { code, report } = await run(['--url', strict.url]);
    expect(code).toBe(1);
    expect(report.error).toBeUndefined();
    expect(codes(report)).toEqual(['handshake_required']);
    expect(report.diagnoses[0]?.message).toContain('Use --handshake on');
    expect(strictLog.at(-1)?.[0]).toBe('refused');
  });
});

describe('--handshake on', () => {
  it('waits for the handshake before the trigger, against a server that insists on it', async () => {
    const record = join(dir, 'strict-on.ndjson');
    const { code, report, stderr } = await run([
      '--url',
      strict.url,
      '--handshake',
      'on',
      '--record',
      record,
    ]);
    expect(code, stderr).toBe(0);
    expect(strictLog.at(-1)).toEqual(['ack', 'request']);
    expect(report.handshake?.threadId).toMatch(/^thread_strict_/);
    expect((await recordedTypes(record)).filter((t) => t.startsWith('>'))).toEqual([
      '> handshake_acknowledged',
      '> agent_execution',
    ]);
  });

  it('passes against the reference server with its handshake', async () => {
    const { code, report } = await run(['--url', withHandshake.url, '--handshake', 'on']);
    expect(code).toBe(0);
    expect(report.handshake?.status).toBe('adopted');
  });

  it('fails clearly, within the first-event budget and without sending anything, when the handshake never comes', async () => {
    const record = join(dir, 'never.ndjson');
    const started = performance.now();
    const { code, report } = await run([
      '--url',
      `${withHandshake.url}?scenario=handshake_never`,
      '--handshake',
      'on',
      '--record',
      record,
    ]);
    expect(performance.now() - started).toBeLessThan(FIRST_EVENT_MS + 1500);
    expect(code).toBe(1);
    expect(report.verdict).toBe('fail');
    expect(report.error?.code).toBe('HANDSHAKE_MISSING');
    expect(report.error?.message).toContain(`no handshake_response within ${FIRST_EVENT_MS} ms`);
    expect(report.error?.hint).toContain('--handshake auto');
    expect(codes(report)).toEqual([]);
    expect(report.frames.sent).toBe(0);
    expect(await recordedTypes(record)).toEqual(['< connection_established']);
    const check = await runCli(['check', record, '--json']);
    expect(check.code).toBe(1);
    expect((JSON.parse(check.stdout) as RunReport).error?.code).toBe('HANDSHAKE_MISSING');
  });

  it('prints why on the verdict line', async () => {
    const { code, stdout } = await runCli([
      ...['--url', `${withHandshake.url}?scenario=handshake_never`, '--jwt-secret', SECRET],
      ...['--handshake', 'on', ...FAST],
    ]);
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /^FAIL {2}.*sent no handshake_response.*\(HANDSHAKE_MISSING\) · exit 1$/m,
    );
  });
});

describe('--handshake off', () => {
  it("never answers: the server's handshake_response gets a diagnosis that names the flag", async () => {
    const { code, report } = await run(['--url', withHandshake.url, '--handshake', 'off']);
    expect(code).toBe(1);
    expect(report.handshake?.status).toBe('unanswered');
    expect(codes(report)).toEqual(['handshake_required']);
    expect(report.diagnoses[0]?.message).toContain('(--handshake off)');
    expect(report.diagnoses[0]?.message).toContain('Use --handshake auto (the default) or on.');
  });
});

describe('the handshake option, wherever it is given', () => {
  it('is a field of an environment in the config file', async () => {
    const config = join(dir, 'handshake.config.json');
    await writeFile(
      config,
      JSON.stringify({ environments: { hs: { url: withHandshake.url, handshake: 'off' } } }),
    );
    const { code, report } = await run(['--config', config, '--env', 'hs']);
    expect(code).toBe(1);
    expect(codes(report)).toEqual(['handshake_required']);
  });

  it('is read from WS_VALIDATE_HANDSHAKE', async () => {
    const { report } = await run(['--url', `${without.url}?scenario=handshake_never`], {
      WS_VALIDATE_HANDSHAKE: 'on',
    });
    expect(report.error?.code).toBe('HANDSHAKE_MISSING');
  });

  it('is an option of the library', async () => {
    const report = (await validate({
      url: withHandshake.url,
      jwtSecret: SECRET,
      handshake: 'off',
      firstEventTimeout: FIRST_EVENT_MS,
    })) as RunReport;
    expect(report.diagnoses.map((d) => d.code)).toEqual(['handshake_required']);
  });

  it.each([
    [['--handshake', 'sometimes'], '--handshake: "sometimes" is not a handshake mode'],
    [
      ['--config', 'bad.config.json'],
      '"environments.bad.handshake": "yes" is not a handshake mode',
    ],
  ])('refuses a mode it does not know: %o', async (args, message) => {
    await writeFile(
      join(dir, 'bad.config.json'),
      JSON.stringify({ environments: { bad: { handshake: 'yes' } } }),
    );
    const { code, stdout, stderr } = await runCli(args, { cwd: dir });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(message);
    expect(lines[1]).toMatch(/^hint: use one of auto, on, off/);
  });
});
