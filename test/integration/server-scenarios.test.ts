import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SCENARIOS,
  startReferenceServer,
  type ReferenceServer,
  type ScenarioName,
} from '../../src/server/index.js';
import {
  FIVE_EVENTS,
  canonicalTrigger,
  createClientPool,
  jsonFrames,
  signTestToken,
  type ClientPool,
  type JsonFrame,
  type ReceivedFrame,
  type TestClient,
} from '../helpers/server-client.js';

const SECRET = 'reference-server-scenario-secret';
const HEARTBEAT_MS = 40;

let server: ReferenceServer;
let pool: ClientPool;

beforeAll(async () => {
  server = await startReferenceServer({
    jwtSecret: SECRET,
    stepDelayMs: 0,
    heartbeatMs: HEARTBEAT_MS,
  });
  pool = createClientPool();
});

afterAll(async () => {
  pool.terminateAll();
  await server.close();
});

type Trigger = ReturnType<typeof canonicalTrigger>;

async function connect(scenario: ScenarioName, sub = 'user-scenario'): Promise<TestClient> {
  const token = await signTestToken(SECRET, { sub });
  const client = await pool.open(`${server.url}?scenario=${scenario}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  await client.nextJson('connection_established');
  return client;
}

async function trigger(scenario: ScenarioName): Promise<{ client: TestClient; trigger: Trigger }> {
  const client = await connect(scenario);
  const sent = canonicalTrigger();
  client.sendJson(sent);
  return { client, trigger: sent };
}

/** Every frame up to and including the first whose JSON type is `type`, plus stragglers within `graceMs`. */
async function until(client: TestClient, type: string, graceMs = 60): Promise<ReceivedFrame[]> {
  const frames: ReceivedFrame[] = [];
  for (;;) {
    const frame = await client.next();
    frames.push(frame);
    if (frame.kind === 'json' && (frame.data as JsonFrame).type === type) break;
  }
  return [...frames, ...(await client.collect(graceMs))];
}

const types = (frames: readonly ReceivedFrame[]) => jsonFrames(frames).map((f) => f.type);
const field = (frame: JsonFrame | undefined, key: string): unknown =>
  (frame?.data as Record<string, unknown> | undefined)?.[key];

function expectRunIds(frames: readonly JsonFrame[], sent: Trigger): void {
  for (const frame of frames) {
    expect(frame.thread_id, String(frame.type)).toBe(sent.thread_id);
    expect(frame.run_id, String(frame.type)).toBe(sent.run_id);
  }
}

const checks: Record<ScenarioName, () => Promise<void>> = {
  async happy() {
    const { client, trigger: sent } = await trigger('happy');
    const frames = await until(client, 'agent_completed');
    expect(types(frames)).toEqual([...FIVE_EVENTS]);
    expectRunIds(jsonFrames(frames), sent);
  },

  ...(Object.fromEntries(
    (['agent_started', 'agent_thinking', 'tool_executing', 'tool_completed'] as const).map(
      (missing) => [
        `missing_${missing}`,
        async () => {
          const { client, trigger: sent } = await trigger(`missing_${missing}`);
          const frames = await until(client, 'agent_completed');
          expect(types(frames)).toEqual(FIVE_EVENTS.filter((t) => t !== missing));
          expectRunIds(jsonFrames(frames), sent);
        },
      ],
    ),
  ) as Record<
    `missing_${'agent_started' | 'agent_thinking' | 'tool_executing' | 'tool_completed'}`,
    () => Promise<void>
  >),

  async missing_agent_completed() {
    const { client } = await trigger('missing_agent_completed');
    const closed = await client.closed;
    expect(closed.code).toBe(1000);
    expect(types(client.frames).slice(1)).toEqual(FIVE_EVENTS.slice(0, 4));
  },

  async schema_violation() {
    const { client, trigger: sent } = await trigger('schema_violation');
    const frames = jsonFrames(await until(client, 'agent_completed'));
    expect(frames.map((f) => f.type)).toEqual([...FIVE_EVENTS]);
    expectRunIds(frames, sent);
    const completed = frames[3];
    expect(completed?.data).not.toHaveProperty('execution_time');
    // Only execution_time is broken: the rest of tool_completed stays canonical.
    expect(field(completed, 'tool_name')).toBe('data_helper');
    expect(field(completed, 'results')).toBeTypeOf('object');
    expect(completed?.correlation_id).toBe(frames[2]?.correlation_id);
    expect(field(frames[1], 'reasoning')).toBeTruthy();
  },

  async bridge_shape() {
    const { client, trigger: sent } = await trigger('bridge_shape');
    const frames = jsonFrames(await until(client, 'agent_completed'));
    expect(frames.map((f) => f.type)).toEqual([...FIVE_EVENTS]);
    for (const frame of frames) {
      expect(frame.run_id).toBe(sent.run_id);
      expect(frame.user_id).toBe('user-scenario');
      expect(frame.agent_name).toBe('data_helper');
      expect(frame).not.toHaveProperty('thread_id');
      expect(frame).not.toHaveProperty('correlation_id');
    }
    const [, , executing, completed] = frames;
    expect(executing?.tool_name).toBe('data_helper');
    expect(field(executing, 'parameters')).toBeTypeOf('object');
    expect(executing?.data).not.toHaveProperty('tool_args');
    expect(completed?.results).toBeTypeOf('object');
    expect(field(completed, 'result')).toBeTypeOf('object');
    expect(field(completed, 'execution_time_ms')).toBeTypeOf('number');
    expect(completed?.data).not.toHaveProperty('execution_time');
  },

  async flat_shape() {
    const { client, trigger: sent } = await trigger('flat_shape');
    const frames = jsonFrames(await until(client, 'agent_completed'));
    expect(frames.map((f) => f.type)).toEqual([
      'agent_started',
      'agent_thinking',
      'tool_executing',
      'tool_completed',
      'agent_completed',
    ]);
    for (const frame of frames) {
      expect(frame).not.toHaveProperty('data');
      expect(frame.timestamp).toBeTypeOf('number');
      expect(frame.thread_id).toBe(sent.thread_id);
    }
    expect(frames[1]?.reasoning).toBe('Analyzing user request to identify data gaps...');
    expect(frames[2]?.tool_name).toBe('data_helper');
    expect(frames[3]?.results).toBeTypeOf('object');
    expect(frames[4]?.final_response).toBeTypeOf('string');
  },

  async suite_flat() {
    const { client, trigger: sent } = await trigger('suite_flat');
    const frames = jsonFrames(await until(client, 'agent_completed'));
    expect(frames.map((f) => f.type)).toEqual([...FIVE_EVENTS]);
    for (const frame of frames) {
      expect(frame).not.toHaveProperty('data');
      expect(frame).not.toHaveProperty('run_id');
      expect(frame.timestamp).toBeTypeOf('number');
    }
    const [started, thinking, executing, completed, finished] = frames;
    // The server names the thread itself, on agent_started only.
    expect(started?.thread_id).toMatch(/^thread_websocket_factory_/);
    expect(started?.thread_id).not.toBe(sent.thread_id);
    expect(frames.slice(1).every((f) => !('thread_id' in f))).toBe(true);
    expect(thinking?.reasoning).toBe('Analyzing user request to identify data gaps...');
    expect(executing?.tool_name).toBe('data_helper');
    expect(executing?.parameters).toBeTypeOf('object');
    expect(completed?.results).toBeTypeOf('object');
    expect(completed?.duration).toBeTypeOf('number');
    expect(finished?.status).toBe('success');
    expect(finished?.final_response).toBeTypeOf('string');
  },

  async frontend_shape() {
    const { client, trigger: sent } = await trigger('frontend_shape');
    const frames = jsonFrames(await until(client, 'agent_completed'));
    expect(frames.map((f) => f.type)).toEqual([...FIVE_EVENTS]);
    const payload = (frame: JsonFrame | undefined): Record<string, unknown> =>
      (frame?.payload ?? {}) as Record<string, unknown>;
    for (const frame of frames) {
      expect(frame).not.toHaveProperty('data');
      expect(frame).not.toHaveProperty('thread_id');
      expect(frame.agent_name).toBe('data_helper');
      // The server's own run id, the same in every frame.
      expect(frame.run_id).toBe(frames[0]?.run_id);
      expect(frame.run_id).not.toBe(sent.run_id);
    }
    expect(frames[0]?.timestamp).toBeTypeOf('string');
    expect(frames[1]?.timestamp).toBeTypeOf('number');
    expect(payload(frames[1]).reasoning).toBe('Analyzing user request to identify data gaps...');
    expect(payload(frames[2]).tool_name).toBe('data_helper');
    expect(payload(frames[3])).toMatchObject({ tool_name: 'data_helper', result: {} });
    expect(payload(frames[4]).result).toBeTypeOf('object');
  },

  async wrapped() {
    const { client } = await trigger('wrapped');
    const frames = jsonFrames(await until(client, 'agent_response_complete'));
    expect(frames.map((f) => f.type)).toEqual([
      'system_message',
      'agent_progress',
      'agent_progress',
      'agent_progress',
      'agent_response_complete',
    ]);
    expect(frames.map((f) => field(f, 'event'))).toEqual([...FIVE_EVENTS]);
  },

  async clobbered_type() {
    const { client, trigger: sent } = await trigger('clobbered_type');
    const frames = jsonFrames(await until(client, 'agent_completed'));
    expect(frames.map((f) => f.type)).toEqual([
      'agent_started',
      'reasoning',
      'tool_executing',
      'tool_completed',
      'agent_completed',
    ]);
    expectRunIds(frames, sent);
    // Everything but the type is a canonical agent_thinking.
    expect(field(frames[1], 'reasoning')).toBe('Analyzing user request to identify data gaps...');
  },

  async duplicate_completed() {
    const { client, trigger: sent } = await trigger('duplicate_completed');
    const frames = jsonFrames(await until(client, 'agent_completed', 100));
    expect(frames.map((f) => f.type)).toEqual([...FIVE_EVENTS, 'agent_completed']);
    expectRunIds(frames, sent);
  },

  async out_of_order() {
    const { client, trigger: sent } = await trigger('out_of_order');
    const frames = jsonFrames(await until(client, 'agent_completed'));
    expect(frames.map((f) => f.type)).toEqual([
      'agent_thinking',
      'agent_started',
      'tool_executing',
      'tool_completed',
      'agent_completed',
    ]);
    expectRunIds(frames, sent);
  },

  async unpaired_tool() {
    const { client, trigger: sent } = await trigger('unpaired_tool');
    const frames = jsonFrames(await until(client, 'agent_completed'));
    expect(frames.map((f) => f.type)).toEqual([...FIVE_EVENTS]);
    expectRunIds(frames, sent);
    const executing = frames[2];
    const completed = frames[3];
    expect(executing?.correlation_id).toBeTypeOf('string');
    expect(completed?.correlation_id).toBeTypeOf('string');
    expect(completed?.correlation_id).not.toBe(executing?.correlation_id);
  },

  async foreign_run() {
    const { client, trigger: sent } = await trigger('foreign_run');
    const frames = jsonFrames(await until(client, 'agent_completed'));
    const foreign = frames.filter((f) => f.thread_id !== sent.thread_id);
    const own = frames.filter((f) => f.thread_id === sent.thread_id);
    expect(own.map((f) => f.type)).toEqual([...FIVE_EVENTS]);
    expectRunIds(own, sent);
    expect(foreign).toHaveLength(1);
    expect(foreign[0]?.type).toBe('agent_thinking');
    expect(foreign[0]?.run_id).not.toBe(sent.run_id);
    expect(foreign[0]?.thread_id).toBeTypeOf('string');
  },

  async stall() {
    const { client, trigger: sent } = await trigger('stall');
    const started = await client.nextJson('agent_started');
    expect(started.run_id).toBe(sent.run_id);
    const rest = await client.collect(HEARTBEAT_MS * 6);
    expect(rest.length).toBeGreaterThanOrEqual(3);
    expect(new Set(types(rest))).toEqual(new Set(['heartbeat']));
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  },

  async drop() {
    const { client } = await trigger('drop');
    const closed = await client.closed;
    expect(closed.code).toBe(1006);
    expect(types(client.frames).slice(1)).toEqual(['agent_started', 'agent_thinking']);
  },

  async server_error() {
    const { client } = await trigger('server_error');
    const closed = await client.closed;
    expect(closed.code).toBe(1011);
    expect(types(client.frames).slice(1)).toEqual(['agent_started']);
  },

  async non_json() {
    const { client } = await trigger('non_json');
    const frames = await until(client, 'agent_completed');
    const text = frames.filter((f) => f.kind === 'text');
    expect(text).toHaveLength(1);
    expect(() => JSON.parse(text[0]?.text ?? '') as unknown).toThrow();
    expect(types(frames)).toEqual([...FIVE_EVENTS]);
    expect(frames.findIndex((f) => f.kind === 'text')).toBe(2);
  },

  async binary() {
    const { client } = await trigger('binary');
    const frames = await until(client, 'agent_completed');
    expect(frames.filter((f) => f.kind === 'binary')).toHaveLength(1);
    expect(frames.findIndex((f) => f.kind === 'binary')).toBe(2);
    expect(types(frames)).toEqual([...FIVE_EVENTS]);
  },

  async oversized() {
    const { client } = await trigger('oversized');
    const frames = await until(client, 'agent_completed');
    const big = frames.filter((f) => f.size > 16 * 1024 * 1024);
    expect(big).toHaveLength(1);
    expect(big[0]?.kind).toBe('text');
    expect(types(frames)).toEqual([...FIVE_EVENTS]);
  },

  async http_401() {
    const token = await signTestToken(SECRET);
    const client = pool.connect(`${server.url}?scenario=http_401`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const failure = await client.opened.then(
      () => null,
      (error: unknown) => error as { res?: { statusCode?: number } },
    );
    expect(failure?.res?.statusCode).toBe(401);
  },

  async auth_fail() {
    const token = await signTestToken(SECRET);
    const client = await pool.open(`${server.url}?scenario=auth_fail`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const frame = await client.nextJson();
    expect(frame).toMatchObject({ type: 'error_message', error_code: 'AUTH_FAILED' });
    expect((await client.closed).code).toBe(1008);
  },

  async echo() {
    const client = await connect('echo');
    const sent = canonicalTrigger();
    const text = JSON.stringify(sent);
    client.ws.send(text);
    const back = await client.next();
    expect(back.text).toBe(text);
    expect(await client.collect(150)).toEqual([]);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  },

  async ack_only() {
    const { client } = await trigger('ack_only');
    const ack = await client.nextJson();
    expect(ack).toMatchObject({
      type: 'ack',
      received_type: 'agent_execution',
      status: 'acknowledged',
    });
    const rest = await client.collect(HEARTBEAT_MS * 6);
    expect(rest.length).toBeGreaterThanOrEqual(3);
    expect(new Set(types(rest))).toEqual(new Set(['heartbeat']));
  },

  async slow_trickle() {
    const { client, trigger: sent } = await trigger('slow_trickle');
    const started = await client.nextJson('agent_started');
    expect(started.run_id).toBe(sent.run_id);
    const startedAt = Date.now();
    const thinking = await client.nextJson('agent_thinking', 4000);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2900);
    expect(thinking.run_id).toBe(sent.run_id);
    const between = client.frames.slice(2, -1);
    expect(between.length).toBeGreaterThanOrEqual(10);
    expect(new Set(types(between))).toEqual(new Set(['heartbeat']));
  },

  async agent_error() {
    const { client, trigger: sent } = await trigger('agent_error');
    const frames = jsonFrames(await until(client, 'agent_error', 100));
    expect(frames.map((f) => f.type)).toEqual(['agent_started', 'agent_thinking', 'agent_error']);
    const error = frames[2];
    expect(error?.run_id).toBe(sent.run_id);
    expect(field(error, 'error_message')).toMatch(/\S/);
    expect(field(error, 'status')).toBe('error');
  },

  async bridge_partial() {
    const { client, trigger: sent } = await trigger('bridge_partial');
    const frames = jsonFrames(await until(client, 'tool_executing', HEARTBEAT_MS * 6));
    expect(frames[0]).toMatchObject({ type: 'agent_started', run_id: sent.run_id });
    expect(frames[1]).toMatchObject({ type: 'tool_executing', tool_name: 'data_helper' });
    for (const frame of frames.slice(0, 2)) expect(frame).not.toHaveProperty('thread_id');
    expect(field(frames[1], 'parameters')).toBeTypeOf('object');
    const rest = frames.slice(2);
    expect(rest.length).toBeGreaterThanOrEqual(3);
    expect(new Set(rest.map((f) => f.type))).toEqual(new Set(['heartbeat']));
  },

  async test_server() {
    const token = await signTestToken(SECRET, { sub: 'user-test-framework' });
    const client = await pool.open(`${server.url}?scenario=test_server`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const established = await client.nextJson();
    expect(established).toMatchObject({
      type: 'connection_established',
      user_id: 'user-test-framework',
      connection_id: expect.any(String) as string,
      server_time: expect.any(String) as string,
      message: expect.any(String) as string,
    });
    expect(established).not.toHaveProperty('data');

    const sent = canonicalTrigger();
    client.sendJson(sent);
    expect(await client.nextJson()).toEqual({ type: 'echo', original_message: sent });
    for (const empty of [
      { type: 'user_message', payload: { text: 'Generate brief test response' } },
      { type: 'chat', payload: {} },
      { type: 'chat' },
    ]) {
      client.sendJson(empty);
      expect(await client.nextJson()).toEqual({ type: 'error', message: 'Empty message content' });
    }

    client.sendJson({ type: 'chat', payload: { content: 'Generate brief test response' } });
    const events: JsonFrame[] = [];
    const arrivals: number[] = [];
    while (events.length < 5) {
      events.push(await client.nextJson());
      arrivals.push(Date.now());
    }
    expect(events.map((e) => e.type)).toEqual([...FIVE_EVENTS]);
    for (const [i, event] of events.entries()) {
      expect(event.event).toBe(event.type);
      expect(event.user_id).toBe('user-test-framework');
      expect(Number.isInteger(event.timestamp)).toBe(false);
      expect(Math.abs((event.timestamp as number) - Date.now() / 1000)).toBeLessThan(5);
      for (const id of ['run_id', 'thread_id', 'data', 'correlation_id']) {
        expect(event).not.toHaveProperty(id);
      }
      if (i > 0) expect(arrivals[i]! - arrivals[i - 1]!).toBeGreaterThanOrEqual(90);
    }
    expect(events[2]?.tool_name).toBe('data_helper');
    expect(events[2]?.parameters).toBeTypeOf('object');
    expect(events[3]?.tool_name).toBe('data_helper');
    expect(events[3]?.result).toMatchObject({ success: true });
    expect(events[4]).toMatchObject({
      agent_name: 'data_helper',
      final_response: expect.any(String) as string,
    });
    expect(await client.collect(150)).toEqual([]);
  },

  async handshake_never() {
    const client = await connect('handshake_never');
    expect(await client.collect(150)).toEqual([]);
    client.sendJson(canonicalTrigger());
    expect(await client.nextJson()).toMatchObject({
      type: 'ack',
      received_type: 'agent_execution',
    });
    client.sendJson({ type: 'handshake_acknowledged', thread_id: 'anything' });
    expect(await client.nextJson()).toMatchObject({
      type: 'ack',
      received_type: 'handshake_acknowledged',
    });
    expect(await client.collect(150)).toEqual([]);
  },

  async cross_talk() {
    // The leak goes to the newest other live connection, not to older ones.
    const older = await connect('happy', 'user-older');
    const victim = await connect('happy', 'user-victim');
    const leaker = await connect('cross_talk', 'user-leaker');
    const sent = canonicalTrigger();
    leaker.sendJson(sent);

    const own = jsonFrames(await until(leaker, 'agent_completed'));
    expect(own.map((f) => f.type)).toEqual([...FIVE_EVENTS]);
    expectRunIds(own, sent);

    const leaked = await victim.nextJson('agent_thinking');
    expect(leaked.thread_id).toBe(sent.thread_id);
    expect(leaked.run_id).toBe(sent.run_id);
    expect(leaked.user_id).toBe('user-leaker');
    expect(await victim.collect(50)).toEqual([]);
    expect(await older.collect(50)).toEqual([]);
  },
};

describe('scenarios', () => {
  it('has a check for every scenario', () => {
    expect(Object.keys(checks).sort()).toEqual(SCENARIOS.map((s) => s.name).sort());
  });

  it.each(SCENARIOS.map((s) => s.name))('%s', async (name) => {
    await checks[name]();
  });
});
