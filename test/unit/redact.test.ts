import { describe, expect, it } from 'vitest';
import { createRedactor, redactUrl } from '../../src/shared/redact.js';

const HEADER = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9';
const PAYLOAD = 'eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjE3MDAwMDAwMDB9';
const SIGNATURE = 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const JWT = `${HEADER}.${PAYLOAD}.${SIGNATURE}`;

describe('createRedactor', () => {
  const redact = createRedactor([JWT, 'e2e-bypass-key-value', 'short']);

  it.each([
    ['the token as is', `token is ${JWT} here`, 'token is *** here'],
    [
      'the base64url token in a subprotocol list',
      `protocols: chat, ${Buffer.from(JWT).toString('base64url')}`,
      'protocols: chat, ***',
    ],
    ['the signature alone', `sig=${SIGNATURE};`, 'sig=***;'],
    ['a secret that is not a JWT', 'key e2e-bypass-key-value!', 'key ***!'],
    ['the base64 of a secret', Buffer.from('e2e-bypass-key-value').toString('base64'), '***'],
  ])('masks %s', (_name, input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it.each([
    ['at the end of a shortened text', `actual: "xx${JWT.slice(0, 30)}…`, 'actual: "xx***…'],
    [
      'in the middle of a longer text',
      `got ${JWT.slice(0, 12)}… (expected a string)`,
      'got ***… (expected a string)',
    ],
    ['of an encoded form', `${Buffer.from(JWT).toString('base64url').slice(0, 9)}…`, '***…'],
    ['of each of two secrets', 'e2e-bypass… and e2e-…', '***… and ***…'],
  ])('masks what a cut left of a secret %s', (_name, input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('leaves fewer than 4 characters of a secret before a cut, and prefixes without a cut mark', () => {
    expect(redact('the answer is e2e…')).toBe('the answer is e2e…');
    expect(redact(`${JWT.slice(0, 20)} and more`)).toBe(`${JWT.slice(0, 20)} and more`);
  });

  it('ignores secrets shorter than 8 characters', () => {
    expect(redact('a short story')).toBe('a short story');
  });

  it('masks every occurrence in a multi-line log', () => {
    const log = Array.from({ length: 3 }, (_, i) => `${i} ${JWT}`).join('\n');
    expect(redact(log)).toBe('0 ***\n1 ***\n2 ***');
  });
});

describe('createRedactor without known secrets', () => {
  const redact = createRedactor([]);

  it.each([
    ['token= query values', 'GET /ws?mode=x&token=abc.def-ghi&x=1', 'GET /ws?mode=x&token=***&x=1'],
    ['access_token= values', 'access_token=opaque123 done', 'access_token=*** done'],
    ['Bearer tokens', 'Authorization: Bearer abc.def.ghi', 'Authorization: Bearer ***'],
    [
      'Bearer tokens in JSON',
      '{"authorization":"bearer opaque-123"}',
      '{"authorization":"bearer ***"}',
    ],
    [
      'jwt. subprotocols',
      'Sec-WebSocket-Protocol: jwt.ZXlKaGJHY2lPaUpJVXpJMU5pSjk',
      'Sec-WebSocket-Protocol: jwt.***',
    ],
    ['jwt-auth. subprotocols', 'offered jwt-auth.abc123, chat', 'offered jwt-auth.***, chat'],
    ['bearer. subprotocols', 'offered bearer.abc123', 'offered bearer.***'],
    ['X-E2E-Bypass-Key headers', 'X-E2E-Bypass-Key: k3y-v4lue', 'X-E2E-Bypass-Key: ***'],
    [
      'X-E2E-Bypass-Key in JSON',
      '{"x-e2e-bypass-key":"k3y-v4lue","a":1}',
      '{"x-e2e-bypass-key":"***","a":1}',
    ],
    ['the signature of an unknown JWT', `saw ${JWT}`, `saw ${HEADER}.${PAYLOAD}.***`],
    [
      'credential query parameters of a URL in a sentence',
      'moved to https://h/x?X-Amz-Signature=abc&ticket=t-1 now',
      'moved to https://h/x?X-Amz-Signature=***&ticket=*** now',
    ],
  ])('masks %s', (_name, input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('leaves ordinary frame text alone', () => {
    const text = '{"type":"agent_thinking","data":{"reasoning":"tokens are counted; key points"}}';
    expect(redact(text)).toBe(text);
  });

  it('is fast enough for a whole verbose frame log', () => {
    const redactWithSecrets = createRedactor([JWT, 'another-secret-value']);
    const line = '{"type":"heartbeat","timestamp":1700000000.123,"data":{"seq":1234}}\n';
    const log = line.repeat(20_000) + `token=${JWT}`;
    const started = performance.now();
    const out = redactWithSecrets(log);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(out.endsWith('token=***')).toBe(true);
    expect(out).not.toContain(SIGNATURE);
  });
});

describe('redactUrl', () => {
  it.each([
    ['ws://localhost:8000/ws', 'ws://localhost:8000/ws'],
    ['ws://h/ws?token=abc&mode=main', 'ws://h/ws?token=***&mode=main'],
    ['wss://h/ws?mode=main&access_token=abc', 'wss://h/ws?mode=main&access_token=***'],
    [
      'wss://h/ws?KEY=1&secret=2&password=3&auth=4',
      'wss://h/ws?KEY=***&secret=***&password=***&auth=***',
    ],
    ['wss://h/ws?mode=main&tokens=2', 'wss://h/ws?mode=main&tokens=***'],
    ['wss://user:pa55@h:443/ws', 'wss://user:***@h:443/ws'],
    // A user part alone is how some clients put a token in a URL.
    ['wss://opaque-token-value@h/ws', 'wss://***@h/ws'],
    [
      'wss://h/ws?ticket=t1&access-token=t2&ACCESS_TOKEN=t3',
      'wss://h/ws?ticket=***&access-token=***&ACCESS_TOKEN=***',
    ],
    [
      'https://b.s3.amazonaws.com/k?X-Amz-Credential=c&X-Amz-Signature=s&X-Amz-Expires=60',
      'https://b.s3.amazonaws.com/k?X-Amz-Credential=***&X-Amz-Signature=***&X-Amz-Expires=60',
    ],
    [
      'wss://h/ws?sessionId=1&apiKey=2&client_secret=3&authorization=4&userPassword=5&page=2',
      'wss://h/ws?sessionId=***&apiKey=***&client_secret=***&authorization=***&userPassword=***&page=2',
    ],
    ['https://h/cb#access_token=abc', 'https://h/cb#access_token=***'],
    ['ws://h:8000/a&token=path?x=1', 'ws://h:8000/a&token=path?x=1'],
  ])('%s -> %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});

describe('createRedactor with a very long secret', () => {
  it('masks it, and its encodings, without a regular expression that could overflow', () => {
    const secret = 'a'.repeat(100_000);
    const redact = createRedactor([secret]);
    const base64 = Buffer.from(secret).toString('base64');
    const out = redact(`token ${secret} and ${base64} end`);
    expect(out).not.toContain('aaaaaaaa');
    expect(out).not.toContain(base64.slice(0, 16));
    expect(out).toBe('token *** and *** end');
  });
});
