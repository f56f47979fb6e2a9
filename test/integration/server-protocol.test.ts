import { createHook } from 'node:async_hooks';
import { createServer as createNetServer } from 'node:net';
import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SCENARIOS,
  generateSecret,
  isScenarioName,
  mintServerToken,
  startReferenceServer,
  type ReferenceServer,
} from '../../src/server/index.js';
import {
  FIVE_EVENTS,
  canonicalTrigger,
  createClientPool,
  signTestToken,
  type ClientPool,
  type JsonFrame,
  type TestClient,
} from '../helpers/server-client.js';

const SECRET = 'reference-server-test-secret';
const ISO_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

let server: ReferenceServer;
let pool: ClientPool;

beforeEach(async () => {
  server = await startReferenceServer({ jwtSecret: SECRET, stepDelayMs: 0 });
  pool = createClientPool();
});

afterEach(async () => {
  pool.terminateAll();
  await server.close();
});

async function openAuthed(url = server.url, sub = 'user-test-1'): Promise<TestClient> {
  const token = await signTestToken(SECRET, { sub });
  const client = await pool.open(url, { headers: { Authorization: `Bearer ${token}` } });
  await client.nextJson('connection_established');
  return client;
}

/** Records sockets, servers and timers created while enabled and not yet destroyed. */
function trackResources() {
  const tracked = new Set(['TCPWRAP', 'TCPSERVERWRAP', 'Timeout']);
  const alive = new Map<number, string>();
  let settling = false;
  const hook = createHook({
    init(asyncId, type) {
      // Timers made by settle() itself are not the server's.
      if (!settling && tracked.has(type)) alive.set(asyncId, type);
    },
    destroy(asyncId) {
      alive.delete(asyncId);
    },
  }).enable();
  const live = () => [...alive.values()];
  return {
    live,
    /** Waits a short, bounded moment for handles to be released (libuv frees them a turn later). */
    async settle(): Promise<string[]> {
      settling = true;
      const deadline = Date.now() + 300;
      while (alive.size > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return live();
    },
    stop: () => hook.disable(),
  };
}

/** Reads frames until agent_completed or agent_error and returns the agent events in order. */
async function readRun(client: TestClient): Promise<JsonFrame[]> {
  const events: JsonFrame[] = [];
  for (;;) {
    const frame = await client.nextJson();
    if (frame.type === 'heartbeat' || frame.type === 'pong') continue;
    events.push(frame);
    if (frame.type === 'agent_completed' || frame.type === 'agent_error') return events;
  }
}

function data(frame: JsonFrame): Record<string, unknown> {
  expect(frame.data).toBeTypeOf('object');
  return frame.data as Record<string, unknown>;
}

/** Asserts the section-5 canonical shape of one event against the run's ids. */
function expectCanonical(frame: JsonFrame, ids: { thread_id: string; run_id?: string }): void {
  expect(frame.timestamp).toMatch(ISO_PATTERN);
  expect(Number.isNaN(Date.parse(frame.timestamp as string))).toBe(false);
  expect(frame.thread_id).toBe(ids.thread_id);
  expect(frame.run_id).toBeTypeOf('string');
  expect((frame.run_id as string).length).toBeGreaterThan(0);
  if (ids.run_id !== undefined) expect(frame.run_id).toBe(ids.run_id);
  const d = data(frame);
  switch (frame.type) {
    case 'agent_started':
      expect(d.agent_name).toBe('data_helper');
      break;
    case 'agent_thinking':
      expect(d.reasoning).toBe('Analyzing user request to identify data gaps...');
      break;
    case 'tool_executing':
      expect(d.tool_name).toBe('data_helper');
      expect(d.tool_args).toBeTypeOf('object');
      expect(frame.correlation_id).toBeTypeOf('string');
      break;
    case 'tool_completed':
      expect(d.tool_name).toBe('data_helper');
      expect(d.results).toMatchObject({
        success: true,
        data_request_generated: true,
        instructions_count: expect.any(Number) as number,
        structured_items_count: expect.any(Number) as number,
      });
      expect(d.execution_time).toBeTypeOf('number');
      expect(d.execution_time as number).toBeGreaterThanOrEqual(0);
      expect(frame.correlation_id).toBeTypeOf('string');
      break;
    case 'agent_completed':
      expect(d.status).toBe('completed');
      expect(d.final_response).toBeTypeOf('string');
      expect((d.final_response as string).length).toBeGreaterThan(0);
      break;
    default:
      throw new Error(`unexpected event type ${String(frame.type)}`);
  }
}

describe('happy run', () => {
  it('sends connection_established, then the five canonical events with the echoed ids', async () => {
    const token = await signTestToken(SECRET, { sub: 'user-happy' });
    const client = await pool.open(server.url, { headers: { Authorization: `Bearer ${token}` } });
    const established = await client.nextJson();
    expect(established.type).toBe('connection_established');
    expect(established.timestamp).toBeTypeOf('number');
    expect(Math.abs((established.timestamp as number) - Date.now() / 1000)).toBeLessThan(5);
    expect(established.data).toMatchObject({
      mode: 'main',
      user_id: 'user-happy',
      golden_path_events: [...FIVE_EVENTS],
    });
    expect(data(established).connection_id).toMatch(/\S+/);

    const trigger = canonicalTrigger();
    client.sendJson(trigger);
    const events = await readRun(client);
    expect(events.map((e) => e.type)).toEqual([...FIVE_EVENTS]);
    for (const event of events) expectCanonical(event, trigger);
    expect(events[2]?.correlation_id).toBe(events[3]?.correlation_id);

    // The run is over but the connection stays open and quiet.
    expect(await client.collect(100)).toEqual([]);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });

  it('makes uuids for a trigger without ids and keeps them for the whole run', async () => {
    const client = await openAuthed();
    client.sendJson({ type: 'agent_execution', message: 'Generate brief test response' });
    const events = await readRun(client);
    expect(events).toHaveLength(5);
    const first = events[0] as JsonFrame;
    expect(first.thread_id).toMatch(/^[0-9a-f-]{36}$/);
    for (const event of events)
      expectCanonical(event, first as { thread_id: string; run_id: string });
  });

  it('spaces the steps by stepDelayMs', async () => {
    const slow = await startReferenceServer({ jwtSecret: SECRET, stepDelayMs: 60 });
    try {
      const client = await openAuthed(slow.url);
      const started = Date.now();
      client.sendJson(canonicalTrigger());
      const events = await readRun(client);
      expect(events).toHaveLength(5);
      expect(Date.now() - started).toBeGreaterThanOrEqual(5 * 60 - 20);
    } finally {
      pool.terminateAll();
      await slow.close();
    }
  });
});

describe('authentication placements', () => {
  const encode = (token: string) => Buffer.from(token, 'utf8').toString('base64url');
  const cases: {
    name: string;
    place: (token: string) => {
      headers?: Record<string, string>;
      protocols?: string[];
      query?: string;
    };
    echoed?: (token: string) => string;
  }[] = [
    { name: 'Authorization header', place: (t) => ({ headers: { Authorization: `Bearer ${t}` } }) },
    ...(['jwt.', 'jwt-auth.', 'bearer.'] as const).flatMap((prefix) => [
      {
        name: `subprotocol ${prefix} raw`,
        place: (t: string) => ({ protocols: [`${prefix}${t}`] }),
        echoed: (t: string) => `${prefix}${t}`,
      },
      {
        name: `subprotocol ${prefix} base64url`,
        place: (t: string) => ({ protocols: [`${prefix}${encode(t)}`] }),
        echoed: (t: string) => `${prefix}${encode(t)}`,
      },
    ]),
    {
      name: 'known subprotocol offered after an unknown one',
      place: (t) => ({ protocols: ['graphql-ws', `jwt.${t}`] }),
      echoed: (t) => `jwt.${t}`,
    },
    { name: 'query parameter', place: (t) => ({ query: `?token=${encodeURIComponent(t)}` }) },
  ];

  it.each(cases)('accepts a token in the $name', async ({ name, place, echoed }) => {
    const sub = `user-${name.replace(/\W+/g, '-')}`;
    const token = await signTestToken(SECRET, { sub });
    const { headers, protocols, query } = place(token);
    const client = await pool.open(`${server.url}${query ?? ''}`, {
      ...(headers === undefined ? {} : { headers }),
      ...(protocols === undefined ? {} : { protocols }),
    });
    expect(client.ws.protocol).toBe(echoed === undefined ? '' : echoed(token));
    const established = await client.nextJson();
    expect(established.type).toBe('connection_established');
    expect(data(established).user_id).toBe(sub);
  });

  it('takes the header token before a subprotocol token', async () => {
    const headerToken = await signTestToken(SECRET, { sub: 'from-header' });
    const protocolToken = await signTestToken(SECRET, { sub: 'from-protocol' });
    const client = await pool.open(server.url, {
      headers: { Authorization: `Bearer ${headerToken}` },
      protocols: [`jwt.${protocolToken}`],
    });
    expect(client.ws.protocol).toBe(`jwt.${protocolToken}`);
    expect(data(await client.nextJson('connection_established')).user_id).toBe('from-header');
  });

  it('refuses the handshake when only unknown subprotocols are offered', async () => {
    const token = await signTestToken(SECRET);
    const client = pool.connect(server.url, {
      headers: { Authorization: `Bearer ${token}` },
      protocols: ['graphql-ws'],
    });
    await expect(client.opened).rejects.toThrow(/unexpected response 400/);
  });
});

describe('authentication failures', () => {
  const badTokens: { name: string; token: () => Promise<string | null>; reason: RegExp }[] = [
    { name: 'missing token', token: () => Promise.resolve(null), reason: /no token/i },
    {
      name: 'wrong secret',
      token: () => signTestToken('some-other-secret'),
      reason: /signature/i,
    },
    {
      name: 'expired token',
      token: () => signTestToken(SECRET, { expiresIn: -30 }),
      reason: /expired/i,
    },
    { name: 'garbage token', token: () => Promise.resolve('not.a.jwt'), reason: /invalid/i },
    {
      name: 'refresh token',
      token: () =>
        signTestToken(SECRET, { extraClaims: { type: 'refresh', token_type: 'refresh' } }),
      reason: /access/i,
    },
  ];

  it.each(badTokens)('$name: 101, one AUTH_FAILED frame, close 1008', async ({ token, reason }) => {
    const value = await token();
    const client = await pool.open(
      server.url,
      value === null ? {} : { headers: { Authorization: `Bearer ${value}` } },
    );
    const frame = await client.nextJson();
    expect(frame).toMatchObject({ type: 'error_message', error_code: 'AUTH_FAILED', details: {} });
    expect(frame.timestamp).toBeTypeOf('number');
    expect(frame.error_message).toMatch(reason);
    if (value !== null) expect(JSON.stringify(frame)).not.toContain(value);
    const closed = await client.closed;
    expect(closed.code).toBe(1008);
    expect(client.frames).toHaveLength(1);
  });
});

describe('keep-alive and non-trigger messages', () => {
  it('answers ping with pong', async () => {
    const client = await openAuthed();
    client.sendJson({ type: 'ping' });
    const pong = await client.nextJson();
    expect(pong.type).toBe('pong');
    expect(pong.timestamp).toBeTypeOf('number');
    expect(pong.data).toBeTypeOf('object');
  });

  it('acknowledges an unknown type and starts nothing', async () => {
    const client = await openAuthed();
    client.sendJson({ type: 'subscribe_metrics', payload: {} });
    const ack = await client.nextJson();
    expect(ack).toMatchObject({
      type: 'ack',
      received_type: 'subscribe_metrics',
      status: 'acknowledged',
    });
    expect(ack.timestamp).toBeTypeOf('number');
    expect(await client.collect(100)).toEqual([]);
  });

  it('answers non-JSON text with JSON_PARSE_ERROR and keeps the connection', async () => {
    const client = await openAuthed();
    client.ws.send('this is {not json');
    const error = await client.nextJson();
    expect(error).toMatchObject({ type: 'error_message', error_code: 'JSON_PARSE_ERROR' });
    client.sendJson({ type: 'ping' });
    expect((await client.nextJson()).type).toBe('pong');
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });
});

describe('triggers', () => {
  it('starts a run from start_agent with payload.user_request and payload.thread_id', async () => {
    const client = await openAuthed();
    const threadId = `thread_${randomUUID()}`;
    client.sendJson({
      type: 'start_agent',
      payload: {
        user_request: 'Which data do you need to optimise my spend?',
        thread_id: threadId,
      },
    });
    const events = await readRun(client);
    expect(events.map((e) => e.type)).toEqual([...FIVE_EVENTS]);
    const runId = events[0]?.run_id as string;
    for (const event of events) expectCanonical(event, { thread_id: threadId, run_id: runId });
  });

  it.each(['user_message', 'execute_agent', 'chat', 'agent_request'])(
    'starts a run from %s with payload.text and payload.thread_id',
    async (type) => {
      const client = await openAuthed();
      const threadId = `thread_${randomUUID()}`;
      client.sendJson({
        type,
        payload: { text: 'Which data do you need to optimise my spend?', thread_id: threadId },
      });
      const events = await readRun(client);
      expect(events.map((e) => e.type)).toEqual([...FIVE_EVENTS]);
      for (const event of events) expectCanonical(event, { thread_id: threadId });
    },
  );

  it('ends a request shorter than 10 characters in agent_error', async () => {
    const client = await openAuthed();
    const trigger = canonicalTrigger({ message: 'hi' });
    client.sendJson(trigger);
    const events = await readRun(client);
    expect(events.map((e) => e.type)).toEqual(['agent_started', 'agent_error']);
    const error = events[1] as JsonFrame;
    expect(error.run_id).toBe(trigger.run_id);
    expect(data(error).error_message).toMatch(/insufficient/i);
    expect(await client.collect(100)).toEqual([]);
  });
});

describe('routing and scenarios per connection', () => {
  it('lets ?scenario override the server default for one connection', async () => {
    const echoServer = await startReferenceServer({
      jwtSecret: SECRET,
      stepDelayMs: 0,
      scenario: 'echo',
    });
    try {
      const overridden = await openAuthed(`${echoServer.url}?scenario=missing_agent_thinking`);
      overridden.sendJson(canonicalTrigger());
      const events = await readRun(overridden);
      expect(events.map((e) => e.type)).toEqual(FIVE_EVENTS.filter((t) => t !== 'agent_thinking'));

      const byDefault = await openAuthed(echoServer.url);
      const trigger = canonicalTrigger();
      byDefault.sendJson(trigger);
      expect(await byDefault.nextJson()).toEqual(trigger);
    } finally {
      pool.terminateAll();
      await echoServer.close();
    }
  });

  it('answers an unknown ?scenario with HTTP 400', async () => {
    const token = await signTestToken(SECRET);
    const client = pool.connect(`${server.url}?scenario=nonsense`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    await expect(client.opened).rejects.toThrow(/unexpected response 400/);
  });

  it('serves /api/v1/websocket as an alias and 404s other paths', async () => {
    const alias = server.url.replace(/\/ws$/, '/api/v1/websocket');
    const client = await openAuthed(alias);
    client.sendJson(canonicalTrigger());
    expect((await readRun(client)).map((e) => e.type)).toEqual([...FIVE_EVENTS]);

    const token = await signTestToken(SECRET);
    const wrong = pool.connect(server.url.replace(/\/ws$/, '/elsewhere'), {
      headers: { Authorization: `Bearer ${token}` },
    });
    await expect(wrong.opened).rejects.toThrow(/unexpected response 404/);
  });

  it('rejects an unknown server-wide scenario and a missing secret at start', async () => {
    await expect(
      startReferenceServer({ jwtSecret: SECRET, scenario: 'nope' as 'happy' }),
    ).rejects.toThrow(/unknown scenario/);
    await expect(startReferenceServer({ jwtSecret: '' })).rejects.toThrow(/jwtSecret/);
  });
});

describe('lifecycle', () => {
  it('close() terminates clients and releases the port', async () => {
    const own = await startReferenceServer({
      jwtSecret: SECRET,
      stepDelayMs: 0,
      scenario: 'stall',
    });
    const client = await openAuthed(own.url);
    client.sendJson(canonicalTrigger());
    await client.nextJson('agent_started');
    await own.close();
    expect((await client.closed).code).toBe(1006);

    const probe = createNetServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(own.port, '127.0.0.1', () => resolve());
    });
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });

  it('leaves no open sockets, servers or timers after close()', async () => {
    const tracker = trackResources();
    try {
      const own = await startReferenceServer({
        jwtSecret: SECRET,
        stepDelayMs: 20,
        heartbeatMs: 10,
        scenario: 'slow_trickle',
      });
      const client = await openAuthed(own.url);
      client.sendJson(canonicalTrigger());
      await client.nextJson('heartbeat');
      expect(tracker.live().length).toBeGreaterThan(0);
      await own.close();
      await client.closed;
      expect(await tracker.settle()).toEqual([]);
    } finally {
      tracker.stop();
    }
  });

  it("cancels a connection's timers when its client goes away", async () => {
    const own = await startReferenceServer({
      jwtSecret: SECRET,
      stepDelayMs: 20,
      heartbeatMs: 10,
      scenario: 'stall',
    });
    const tracker = trackResources();
    try {
      const client = await openAuthed(own.url);
      client.sendJson(canonicalTrigger());
      await client.nextJson('heartbeat');
      client.ws.terminate();
      await client.closed;
      // The listening server is still there; nothing else created during the run may survive.
      expect(await tracker.settle()).toEqual([]);
    } finally {
      tracker.stop();
      await own.close();
    }
  });

  it('close() is idempotent', async () => {
    const own = await startReferenceServer({ jwtSecret: SECRET });
    await Promise.all([own.close(), own.close()]);
    await own.close();
    expect(own.url).toBe(`ws://127.0.0.1:${own.port}/ws`);
  });
});

describe('public helpers', () => {
  it('mintServerToken signs the section-2 claims and the server accepts it', async () => {
    const token = await mintServerToken(SECRET, { sub: 'minted-user', email: 'm@example.test' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      sub: 'minted-user',
      email: 'm@example.test',
      permissions: ['read', 'write'],
      type: 'access',
      token_type: 'access',
      iss: 'netra-auth-service',
    });
    expect(claims.jti).toBeTypeOf('string');
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
    const client = await pool.open(server.url, { protocols: [`jwt.${token}`] });
    expect(data(await client.nextJson('connection_established')).user_id).toBe('minted-user');
  });

  it('generateSecret returns 32 random bytes as base64url', () => {
    const a = generateSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(generateSecret()).not.toBe(a);
  });

  it('describes every scenario and recognises only their names', () => {
    const names = SCENARIOS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const scenario of SCENARIOS) {
      expect(isScenarioName(scenario.name)).toBe(true);
      expect(scenario.description.length).toBeGreaterThan(10);
      expect(scenario.description).not.toContain('\n');
    }
    expect(isScenarioName('nonsense')).toBe(false);
  });
});
