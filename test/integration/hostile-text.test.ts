import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { canonicalEvents, startWsFaultServer, type FaultServer } from '../helpers/fault-servers.js';

// Server text that would clear the screen, set the window title, move the cursor (C1 CSI), erase
// (DEL), return the carriage, and forge GitHub workflow commands on lines of their own.
const HOSTILE =
  'x\u001b[2J\u001b]0;pwned\u0007 \u009b31m \u007f\r::warning::forged\n::error title=x::y\n  ::notice::z';

let server: FaultServer;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'ws-validate-hostile-text-'));
  server = await startWsFaultServer(async (peer) => {
    const ids = await peer.trigger;
    const [started, thinking, executing, toolCompleted] = canonicalEvents(ids);
    peer.send(started);
    peer.send({ ...thinking, timestamp: HOSTILE });
    peer.ws.send(HOSTILE);
    peer.send({ type: HOSTILE });
    peer.send(executing);
    peer.send(toolCompleted);
    peer.send({
      type: 'agent_error',
      run_id: ids.runId,
      thread_id: ids.threadId,
      timestamp: 1,
      data: { error: HOSTILE },
    });
    peer.ws.close(4000, 'bye\u001b[2J\u009b\u007f\n::error::closed');
  });
});

afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

// The control characters a terminal or a workflow log acts on; newline and tab are layout.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

// The workflow commands ws-validate prints itself, one per failure, under GitHub Actions.
const OWN_COMMAND = /^::(error title=ws-validate[^:]*|warning)::/;

describe('server text with control characters and workflow commands', () => {
  it('is escaped in every output, and no printed line is a command ws-validate did not make', async () => {
    const out = join(root, 'out');
    await mkdir(out);
    const result = await runCli(
      [
        ...['--url', server.url, '--verbose', '--grace', '300ms', '--timeout', '3s'],
        ...['--report', `junit=${join(out, 'r.xml')}`, '--report', `markdown=${join(out, 'r.md')}`],
        ...['--report', `json=${join(out, 'r.json')}`, '--record', join(out, 'rec.ndjson')],
      ],
      { env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(out, 'summary.md') } },
    );
    expect(result.code, result.stderr).toBe(1);
    const files = Object.fromEntries(
      await Promise.all(
        (await readdir(out)).map(async (name) => [name, await readFile(join(out, name), 'utf8')]),
      ),
    ) as Record<string, string>;
    expect(Object.keys(files).sort()).toEqual([
      'r.json',
      'r.md',
      'r.xml',
      'rec.ndjson',
      'summary.md',
    ]);
    for (const [where, text] of Object.entries({
      ...files,
      stdout: result.stdout,
      stderr: result.stderr,
    })) {
      expect(CONTROL.exec(text)?.[0], `a raw control character in ${where}`).toBeUndefined();
    }
    for (const [where, text] of Object.entries({ stdout: result.stdout, stderr: result.stderr })) {
      for (const line of text.split('\n')) {
        if (line.trimStart().startsWith('::')) expect(line, where).toMatch(OWN_COMMAND);
      }
    }
    // Escaped, not dropped: the reader sees what the server sent.
    expect(result.stderr).toContain(
      '(non-JSON text) x\\u001b[2J\\u001b]0;pwned\\u0007 \\u009b31m \\u007f\\u000d::warning::forged\\u000a',
    );
    expect(result.stdout).toContain('\\u001b[2J');
    // The recording keeps the frames as data: JSON escapes every control character it holds.
    expect(files['rec.ndjson']).toContain('\\u001b[2J');
  });
});
