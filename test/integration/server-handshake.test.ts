import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../src/server/index.js';
import {
  FIVE_EVENTS,
  canonicalTrigger,
  createClientPool,
  jsonFrames,
  signTestToken,
  type ClientPool,
  type JsonFrame,
  type TestClient,
} from '../helpers/server-client.js';

const SECRET = 'reference-server-handshake-secret';

let withHandshake: ReferenceServer;
let without: ReferenceServer;
let pool: ClientPool;

beforeAll(async () => {
  withHandshake = await startReferenceServer({
    jwtSecret: SECRET,
    stepDelayMs: 0,
    handshake: true,
  });
  without = await startReferenceServer({ jwtSecret: SECRET, stepDelayMs: 0 });
  pool = createClientPool();
});

afterAll(async () => {
  pool.terminateAll();
  await Promise.all([withHandshake.close(), without.close()]);
});

async function open(url: string): Promise<TestClient> {
  const token = await signTestToken(SECRET, { sub: 'user-handshake' });
  const client = await pool.open(url, { headers: { Authorization: `Bearer ${token}` } });
  await client.nextJson('connection_established');
  return client;
}

/** The user_message the current client sends once the handshake is complete. */
function userMessage(threadId: string, runId: string, field: 'content' | 'text' = 'content') {
  return {
    type: 'user_message',
    payload: {
      [field]: 'Generate brief test response with tool usage',
      run_id: runId,
      thread_id: threadId,
      timestamp: Date.now() / 1000,
    },
  };
}

async function agentEvents(client: TestClient): Promise<JsonFrame[]> {
  await client.nextJson('agent_completed');
  return jsonFrames(client.frames).filter((f) => FIVE_EVENTS.includes(f.type as never));
}

/** Opens a connection and completes the handshake; returns the server's thread_id. */
async function shakeHands(client: TestClient): Promise<string> {
  const response = await client.nextJson('handshake_response');
  client.sendJson({
    type: 'handshake_acknowledged',
    thread_id: response.thread_id,
    timestamp: Date.now() / 1000,
  });
  expect(await client.nextJson('handshake_complete')).toEqual({ type: 'handshake_complete' });
  return response.thread_id as string;
}

describe('serve --handshake', () => {
  it('sends handshake_response, confirms the acknowledgement and runs user_message with its thread', async () => {
    const client = await open(withHandshake.url);
    const response = await client.nextJson('handshake_response');
    expect(response.thread_id).toMatch(/\S{8,}/);
    expect(response.run_id).toMatch(/\S+/);
    expect(response.timestamp).toBeTypeOf('number');
    expect(response.message).toMatch(/handshake_acknowledged/);
    client.sendJson({ type: 'handshake_acknowledged', thread_id: response.thread_id });
    expect(await client.nextJson('handshake_complete')).toEqual({ type: 'handshake_complete' });

    const runId = randomUUID();
    client.sendJson(userMessage(response.thread_id as string, runId));
    const events = await agentEvents(client);
    expect(events.map((e) => e.type)).toEqual([...FIVE_EVENTS]);
    for (const event of events) {
      expect(event).toMatchObject({ thread_id: response.thread_id, run_id: runId });
    }
  });

  it("stamps the server's thread_id on a run asked for with payload.text and another thread", async () => {
    const client = await open(withHandshake.url);
    const threadId = await shakeHands(client);
    client.sendJson(userMessage('thread-of-the-client', 'run-1', 'text'));
    const events = await agentEvents(client);
    expect(events).toHaveLength(5);
    expect(new Set(events.map((e) => e.thread_id))).toEqual(new Set([threadId]));
  });

  it('acknowledges a trigger sent before the handshake completes and starts nothing', async () => {
    const client = await open(withHandshake.url);
    await client.nextJson('handshake_response');
    client.sendJson(canonicalTrigger());
    expect(await client.nextJson()).toMatchObject({
      type: 'ack',
      received_type: 'agent_execution',
      status: 'acknowledged',
    });
    expect(await client.collect(150)).toEqual([]);
  });

  it('refuses an acknowledgement with another thread_id and waits for the right one', async () => {
    const client = await open(withHandshake.url);
    const response = await client.nextJson('handshake_response');
    client.sendJson({ type: 'handshake_acknowledged', thread_id: 'not-the-one' });
    expect(await client.nextJson()).toMatchObject({
      type: 'error_message',
      error_code: 'HANDSHAKE_FAILED',
    });
    client.sendJson({ type: 'handshake_acknowledged', thread_id: response.thread_id });
    expect((await client.nextJson()).type).toBe('handshake_complete');
  });
});

describe('without --handshake', () => {
  it('sends no handshake_response and runs the trigger at once', async () => {
    const client = await open(without.url);
    const trigger = canonicalTrigger();
    client.sendJson(trigger);
    const events = await agentEvents(client);
    expect(events.map((e) => e.type)).toEqual([...FIVE_EVENTS]);
    expect(events[0]?.thread_id).toBe(trigger.thread_id);
    expect(jsonFrames(client.frames).map((f) => f.type)).not.toContain('handshake_response');
  });
});
