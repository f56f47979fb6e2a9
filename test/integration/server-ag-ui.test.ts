import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AG_UI_SCENARIOS,
  startReferenceServer,
  type AgUiScenarioName,
  type ReferenceServer,
} from '../../src/server/index.js';
import { checkAgUiRun } from '../helpers/ag-ui-check.js';
import {
  createClientPool,
  jsonFrames,
  signTestToken,
  type ClientPool,
  type JsonFrame,
  type TestClient,
} from '../helpers/server-client.js';

const SECRET = 'reference-server-ag-ui-secret';

let server: ReferenceServer;
let pool: ClientPool;

beforeAll(async () => {
  server = await startReferenceServer({ jwtSecret: SECRET, stepDelayMs: 0, protocol: 'ag-ui' });
  pool = createClientPool();
});

afterAll(async () => {
  pool.terminateAll();
  await server.close();
});

/** A RunAgentInput as an AG-UI client sends it: no `type`, one user message. */
function runInput(overrides: Record<string, unknown> = {}) {
  return {
    threadId: `thread-${randomUUID()}`,
    runId: `run-${randomUUID()}`,
    messages: [{ id: randomUUID(), role: 'user', content: 'Which data do you need from me?' }],
    tools: [],
    context: [],
    state: {},
    forwardedProps: {},
    ...overrides,
  };
}

async function open(scenario?: AgUiScenarioName): Promise<TestClient> {
  const token = await signTestToken(SECRET, { sub: 'ag-ui-user' });
  const query = scenario === undefined ? '' : `?scenario=${scenario}`;
  return pool.open(`${server.url}${query}`, { headers: { Authorization: `Bearer ${token}` } });
}

/** The events of one run: up to RUN_FINISHED or RUN_ERROR (or the close), plus what follows within 100 ms. */
async function readRun(client: TestClient): Promise<JsonFrame[]> {
  const ends = (f: JsonFrame) => f.type === 'RUN_FINISHED' || f.type === 'RUN_ERROR';
  await client
    .nextJson()
    .then(async function more(frame): Promise<void> {
      if (!ends(frame)) await client.nextJson().then(more);
    })
    .catch(() => undefined);
  await client.collect(100);
  return jsonFrames(client.frames);
}

const HAPPY_TYPES = [
  'RUN_STARTED',
  'STEP_STARTED',
  'TEXT_MESSAGE_START',
  'TEXT_MESSAGE_CONTENT',
  'TEXT_MESSAGE_CONTENT',
  'TEXT_MESSAGE_CONTENT',
  'TEXT_MESSAGE_END',
  'TOOL_CALL_START',
  'TOOL_CALL_ARGS',
  'TOOL_CALL_ARGS',
  'TOOL_CALL_END',
  'TOOL_CALL_RESULT',
  'STEP_FINISHED',
  'RUN_FINISHED',
];

describe('serve --protocol ag-ui', () => {
  it('streams a whole run for a RunAgentInput: step, text message, tool call', async () => {
    const client = await open();
    const input = runInput();
    client.sendJson(input);
    const events = await readRun(client);
    expect(events.map((e) => e.type)).toEqual(HAPPY_TYPES);
    expect(checkAgUiRun(events, input)).toEqual([]);
    const text = events.filter((e) => e.type === 'TEXT_MESSAGE_CONTENT').map((e) => e.delta);
    expect(text.join('')).toMatch(/^To close the data gaps I need: .+\.$/);
    const args = events.filter((e) => e.type === 'TOOL_CALL_ARGS').map((e) => e.delta);
    expect(JSON.parse(args.join(''))).toEqual({ user_request_length: 31 });
    const start = events.find((e) => e.type === 'TOOL_CALL_START');
    const result = events.find((e) => e.type === 'TOOL_CALL_RESULT');
    expect(start).toMatchObject({
      toolCallName: 'data_helper',
      parentMessageId: events[2]?.messageId,
    });
    expect(result).toMatchObject({ toolCallId: start?.toolCallId, role: 'tool' });
    expect(JSON.parse(result?.content as string)).toMatchObject({ success: true });
    expect(result?.messageId).not.toBe(events[2]?.messageId);
    for (const event of events) {
      expect(Math.abs((event.timestamp as number) - Date.now())).toBeLessThan(5000);
    }
  });

  it('plays one run per input, one after the other, on one connection', async () => {
    const client = await open();
    const first = runInput();
    client.sendJson(first);
    await client.nextJson('RUN_FINISHED');
    const second = runInput();
    client.sendJson(second);
    const finished = await client.nextJson('RUN_FINISHED');
    expect(finished).toMatchObject({ threadId: second.threadId, runId: second.runId });
  });

  // What the hand-written check finds in each fault scenario, and nothing else.
  const FAULTS: Record<Exclude<AgUiScenarioName, 'happy'>, RegExp[]> = {
    unclosed_tool: [/RUN_FINISHED: tool call call_\S+ never closed/],
    content_after_end: [/TEXT_MESSAGE_CONTENT: text message msg_\S+ is not open/],
    no_finished: [/^the run never ends with RUN_FINISHED$/],
    run_error: [/RUN_ERROR: the run failed: The model provider timed out/],
    // The END names a call never started, so the call that was started stays open.
    mismatched_ids: [
      /TOOL_CALL_END: tool call call_\S+ is not open/,
      /RUN_FINISHED: tool call call_\S+ never closed/,
    ],
    after_finished: [/STEP_STARTED: after RUN_FINISHED/],
  };

  it('has a fault check for every scenario but happy', () => {
    expect(Object.keys(FAULTS).sort()).toEqual(
      AG_UI_SCENARIOS.map((s) => s.name)
        .filter((n) => n !== 'happy')
        .sort(),
    );
  });

  it.each(Object.entries(FAULTS) as [AgUiScenarioName, RegExp[]][])(
    '%s breaks the run in its one way',
    async (scenario, faults) => {
      const client = await open(scenario);
      const input = runInput();
      client.sendJson(input);
      const events = await readRun(client);
      const problems = checkAgUiRun(events, input);
      expect(problems).toHaveLength(faults.length);
      faults.forEach((fault, i) => expect(problems[i]).toMatch(fault));
      if (scenario === 'no_finished') expect((await client.closed).code).toBe(1000);
    },
  );

  it.each([
    ['not JSON', 'threadId: nope', /one JSON text frame/],
    ['no runId', JSON.stringify({ threadId: 't', messages: [] }), /RunAgentInput\.runId/],
    ['messages not a list', JSON.stringify(runInput({ messages: {} })), /RunAgentInput\.messages/],
    [
      'a message without a role',
      JSON.stringify(runInput({ messages: [{ id: 'm1', content: 'hi' }] })),
      /messages\[0\]\.role/,
    ],
  ])('answers %s with RUN_ERROR and keeps the connection', async (_name, text, message) => {
    const client = await open();
    client.ws.send(text);
    const refused = await client.nextJson();
    expect(refused).toMatchObject({ type: 'RUN_ERROR', code: 'INVALID_RUN_INPUT' });
    expect(refused.message).toMatch(message);
    client.sendJson(runInput());
    expect((await client.nextJson()).type).toBe('RUN_STARTED');
  });

  it('answers a missing or bad token with HTTP 401', async () => {
    const wrong = await signTestToken('other-secret');
    const attempts: Record<string, string>[] = [{}, { Authorization: `Bearer ${wrong}` }];
    for (const headers of attempts) {
      const client = pool.connect(server.url, { headers });
      await expect(client.opened).rejects.toThrow(/unexpected response 401/);
    }
  });

  it('takes the token from a subprotocol, echoed, or from ?token=', async () => {
    const token = await signTestToken(SECRET);
    const viaProtocol = await pool.open(server.url, { protocols: [`bearer.${token}`] });
    expect(viaProtocol.ws.protocol).toBe(`bearer.${token}`);
    const viaQuery = await pool.open(`${server.url}?token=${token}`);
    viaQuery.sendJson(runInput());
    expect((await viaQuery.nextJson()).type).toBe('RUN_STARTED');
  });

  it('refuses a scenario of the other protocol with HTTP 400', async () => {
    const token = await signTestToken(SECRET);
    const client = pool.connect(`${server.url}?scenario=bridge_shape`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    await expect(client.opened).rejects.toThrow(/unexpected response 400/);
  });
});
