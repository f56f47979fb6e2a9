import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BIN, runBin } from '../helpers/bin.js';

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

interface Served {
  child: ChildProcessWithoutNullStreams;
  url: string;
  token: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `ws-validate serve` and waits for its URL on stdout and its token on stderr. */
function startServe(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 8_000);
    const check = (): void => {
      const url = /^(ws:\/\/\S+)$/m.exec(stdout)?.[1];
      const token = /^token \(valid 1h\): (\S+)$/m.exec(stderr)?.[1];
      if (url !== undefined && token !== undefined) {
        clearTimeout(timer);
        resolve({ child, url, token, stderr: () => stderr, exited });
      }
    };
    child.stdout.setEncoding('utf8').on('data', (c: string) => ((stdout += c), check()));
    child.stderr.setEncoding('utf8').on('data', (c: string) => ((stderr += c), check()));
  });
}

describe('ws-validate serve', () => {
  it('answers a plain ws client with the handshake and the five canonical events', async () => {
    const served = await startServe(['--step-delay', '0']);
    const client = new WebSocket(served.url, {
      headers: { Authorization: `Bearer ${served.token}` },
    });
    const frames: Record<string, unknown>[] = [];
    const done = new Promise<void>((resolve, reject) => {
      client.on('error', reject);
      client.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString()) as Record<string, unknown>;
        frames.push(frame);
        if (frame.type === 'connection_established') {
          client.send(
            JSON.stringify({
              type: 'agent_execution',
              agent_type: 'data_helper',
              message: 'Generate brief test response with tool usage',
              thread_id: 'thread-serve-1',
              run_id: 'run-serve-1',
            }),
          );
        }
        if (frame.type === 'agent_completed') resolve();
      });
    });
    await done;
    client.close();
    expect(frames.map((f) => f.type)).toEqual([
      'connection_established',
      'agent_started',
      'agent_thinking',
      'tool_executing',
      'tool_completed',
      'agent_completed',
    ]);
    expect(frames.slice(1).every((f) => f.thread_id === 'thread-serve-1')).toBe(true);

    served.child.kill('SIGINT');
    expect(await served.exited).toBe(0);
    expect(served.stderr()).toMatch(/stopped/);
  });

  it('is what the validator passes against, with the token it printed', async () => {
    const served = await startServe(['--step-delay', '0']);
    const result = await runBin([
      '--url',
      served.url,
      '--token',
      served.token,
      '--quiet',
      '--grace',
      '0',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^PASS/);
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
  });

  it('starts every connection with the handshake under --handshake', async () => {
    const served = await startServe(['--handshake', '--step-delay', '0']);
    expect(served.stderr()).toMatch(/\(netra, scenario: happy, handshake\)/);
    const client = new WebSocket(served.url, {
      headers: { Authorization: `Bearer ${served.token}` },
    });
    const types: unknown[] = [];
    await new Promise<void>((resolve, reject) => {
      client.on('error', reject);
      client.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString()) as Record<string, unknown>;
        types.push(frame.type);
        if (frame.type === 'handshake_response') {
          client.send(
            JSON.stringify({ type: 'handshake_acknowledged', thread_id: frame.thread_id }),
          );
        }
        if (frame.type === 'handshake_complete') resolve();
      });
    });
    client.close();
    expect(types).toEqual(['connection_established', 'handshake_response', 'handshake_complete']);
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
  });

  it('speaks AG-UI under --protocol ag-ui', async () => {
    const served = await startServe(['--protocol', 'ag-ui', '--step-delay', '0']);
    expect(served.stderr()).toMatch(/\(ag-ui, scenario: happy\)/);
    const client = new WebSocket(served.url, {
      headers: { Authorization: `Bearer ${served.token}` },
    });
    const types: unknown[] = [];
    await new Promise<void>((resolve, reject) => {
      client.on('error', reject);
      client.on('open', () =>
        client.send(
          JSON.stringify({
            threadId: 'thread-1',
            runId: 'run-1',
            messages: [{ id: 'm1', role: 'user', content: 'Which data do you need?' }],
            tools: [],
            context: [],
            state: {},
            forwardedProps: {},
          }),
        ),
      );
      client.on('message', (data: Buffer) => {
        const event = JSON.parse(data.toString()) as Record<string, unknown>;
        types.push(event.type);
        if (event.type === 'RUN_FINISHED') resolve();
      });
    });
    client.close();
    expect(types[0]).toBe('RUN_STARTED');
    expect(types).toContain('TOOL_CALL_RESULT');
    expect(served.stderr()).not.toMatch(/^try: /m);
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
  });

  it('closes a client frame over --max-frame-size with 1009', async () => {
    const served = await startServe(['--max-frame-size', '2KiB']);
    const open = (): Promise<WebSocket> =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(served.url, {
          headers: { Authorization: `Bearer ${served.token}` },
        });
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      });
    const client = await open();
    const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
    client.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(2048) }));
    expect(await closed).toBe(1009);
    served.child.kill('SIGTERM');
    expect(await served.exited).toBe(0);
  });

  it('says so, with exit 2, when its port is taken', async () => {
    const served = await startServe([]);
    const port = new URL(served.url).port;
    const second = await runBin(['serve', '--port', port]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(
      /^error: cannot listen on 127\.0\.0\.1:\d+: the port is in use\nhint: /,
    );
  });
});
