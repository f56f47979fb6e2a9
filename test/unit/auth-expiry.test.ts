import { describe, expect, it } from 'vitest';
import { isExpired, readTokenExpiry } from '../../src/auth/expiry.js';
import { mintToken } from '../../src/auth/mint.js';

function unsignedJwt(payload: object): string {
  const encode = (value: object): string =>
    Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}.c2ln`;
}

describe('readTokenExpiry', () => {
  it('reads exp in epoch seconds from a minted token without the secret', async () => {
    const token = await mintToken({
      secret: 'secret-secret',
      sub: 'u',
      ttlSeconds: 120,
      now: 5_000_000,
    });
    expect(readTokenExpiry(token)).toBe(5_000 + 120);
  });

  it.each([
    ['an opaque token', 'not-a-jwt'],
    ['an empty string', ''],
    ['a JWT without exp', unsignedJwt({ sub: 'u' })],
    ['a JWT with a string exp', unsignedJwt({ exp: '1700000000' })],
    ['garbage in JWT shape', 'aaa.bbb.ccc'],
  ])('returns null for %s', (_name, token) => {
    expect(readTokenExpiry(token)).toBeNull();
  });
});

describe('isExpired', () => {
  const token = unsignedJwt({ exp: 1_000 });

  it.each([
    [999_999, false],
    [1_000_000, true],
    [2_000_000, true],
  ])('at %i ms is %s', (nowMs, expired) => {
    expect(isExpired(token, nowMs)).toBe(expired);
  });

  it('never calls a non-JWT expired', () => {
    expect(isExpired('opaque-token', Number.MAX_SAFE_INTEGER)).toBe(false);
  });
});
