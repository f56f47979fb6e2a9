import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../src/server/index.js';
import {
  createClientPool,
  signTestToken,
  type ClientPool,
  type JsonFrame,
} from '../helpers/server-client.js';

const SECRET = 'reference-server-offers-secret';

let server: ReferenceServer;
let pool: ClientPool;

beforeAll(async () => {
  server = await startReferenceServer({ jwtSecret: SECRET, stepDelayMs: 0 });
  pool = createClientPool();
});

afterAll(async () => {
  pool.terminateAll();
  await server.close();
});

const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** What the current command-line client offers in one handshake, in its order (docs/protocol.md section 9). */
function realClientOffers(env: string, token: string): string[] {
  return [
    `jwt.${env}.${token}`,
    `jwt-auth.${env}.${token}`,
    `bearer.${env}.${token}`,
    `staging-auth.${token}`,
    `jwt.${token}`,
    `jwt-auth.${token}`,
    `bearer.${token}`,
  ];
}

async function userOf(protocols: string[]): Promise<{ protocol: string; userId: unknown }> {
  const client = await pool.open(server.url, { protocols });
  const established = await client.nextJson('connection_established');
  return {
    protocol: client.ws.protocol,
    userId: (established.data as Record<string, unknown>).user_id,
  };
}

describe("the real client's subprotocol offers", () => {
  it.each([
    ['raw', (token: string) => token],
    ['base64url', base64url],
  ])('accepts all seven with a %s token and echoes the first', async (_name, encode) => {
    const token = encode(await signTestToken(SECRET, { sub: 'real-client' }));
    const offers = realClientOffers('development', token);
    expect(await userOf(offers)).toEqual({ protocol: offers[0], userId: 'real-client' });
  });

  it('skips offers whose token is not valid and echoes the first valid one', async () => {
    const bad = await signTestToken('another-secret', { sub: 'intruder' });
    const good = await signTestToken(SECRET, { sub: 'second-offer' });
    const offers = [
      `jwt.development.${bad}`,
      `jwt-auth.staging.${base64url(bad)}`,
      `bearer.${good}`,
    ];
    expect(await userOf(offers)).toEqual({ protocol: offers[2], userId: 'second-offer' });
  });

  it.each([
    ['staging-auth.', 'staging-auth.'],
    ['an environment segment', 'jwt.staging.'],
    ['a base64url token after an environment segment', 'bearer.production.'],
  ])('accepts a token offered with %s', async (name, prefix) => {
    const token = await signTestToken(SECRET, { sub: 'one-offer' });
    const offer = `${prefix}${name.includes('base64url') ? base64url(token) : token}`;
    expect(await userOf([offer])).toEqual({ protocol: offer, userId: 'one-offer' });
  });

  it('fails with AUTH_FAILED and 1008 when no offer is valid, echoing the first', async () => {
    const bad = await signTestToken('another-secret');
    const offers = realClientOffers('development', bad);
    const client = await pool.open(server.url, { protocols: offers });
    expect(client.ws.protocol).toBe(offers[0]);
    const frame: JsonFrame = await client.nextJson();
    expect(frame).toMatchObject({ type: 'error_message', error_code: 'AUTH_FAILED' });
    expect(frame.error_message).toMatch(/signature/i);
    expect((await client.closed).code).toBe(1008);
  });
});
