import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { mintToken } from '../../src/auth/mint.js';
import { UsageError } from '../../src/shared/errors.js';

const SECRET = 'test-jwt-secret-at-least-32-bytes-long';
const key = new TextEncoder().encode(SECRET);

describe('mintToken', () => {
  it('mints an HS256 token that verifies with the secret and carries the auth-service claims', async () => {
    const now = Date.UTC(2030, 0, 1);
    const token = await mintToken({ secret: SECRET, sub: 'user-1', email: 'u1@example.com', now });

    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: 'netra-auth-service',
      currentDate: new Date(now + 1_000),
    });
    expect(decodeProtectedHeader(token).alg).toBe('HS256');
    expect(payload).toMatchObject({
      sub: 'user-1',
      email: 'u1@example.com',
      permissions: ['read', 'write'],
      type: 'access',
      token_type: 'access',
      iss: 'netra-auth-service',
      iat: now / 1000,
      exp: now / 1000 + 900,
    });
    expect(payload.jti).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('honours permissions and ttl, and gives every token its own jti', async () => {
    const options = { secret: SECRET, sub: 'u', permissions: ['read'], ttlSeconds: 60, now: 0 };
    const [a, b] = await Promise.all([mintToken(options), mintToken(options)]);
    const first = await jwtVerify(a, key, { currentDate: new Date(1_000) });
    const second = await jwtVerify(b, key, { currentDate: new Date(1_000) });

    expect(first.payload.permissions).toEqual(['read']);
    expect(first.payload.exp).toBe(60);
    expect(first.payload.email).toBeUndefined();
    expect(first.payload.jti).not.toBe(second.payload.jti);
  });

  it('does not verify with another secret', async () => {
    const token = await mintToken({ secret: SECRET, sub: 'u' });
    await expect(
      jwtVerify(token, new TextEncoder().encode('another-secret-entirely')),
    ).rejects.toThrow();
  });

  it('refuses an empty secret with a usage error', async () => {
    await expect(mintToken({ secret: '', sub: 'u' })).rejects.toMatchObject({
      code: 'TOKEN_SECRET_MISSING',
      exitCode: 2,
    });
    await expect(mintToken({ secret: '', sub: 'u' })).rejects.toBeInstanceOf(UsageError);
  });
});
