import { describe, expect, it } from 'vitest';
import { applyToken } from '../../src/auth/placement.js';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.sig_-nature';

describe('applyToken', () => {
  it('places the token in an Authorization Bearer header', () => {
    expect(applyToken('ws://h/ws', TOKEN, 'header', 'local')).toEqual({
      url: 'ws://h/ws',
      headers: { Authorization: `Bearer ${TOKEN}`, 'X-Environment': 'local' },
      protocols: [],
    });
  });

  it('places the base64url-encoded token in a jwt. subprotocol', () => {
    const placed = applyToken('ws://h/ws', TOKEN, 'subprotocol', 'local');
    expect(placed.url).toBe('ws://h/ws');
    expect(placed.headers).toEqual({});
    expect(placed.protocols).toEqual([`jwt.${Buffer.from(TOKEN).toString('base64url')}`]);
    expect(placed.protocols[0]).toMatch(/^jwt\.[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['ws://h/ws', `ws://h/ws?token=${TOKEN}`],
    ['ws://h/ws?mode=main', `ws://h/ws?mode=main&token=${TOKEN}`],
    ['ws://h/ws?', `ws://h/ws?token=${TOKEN}`],
    ['ws://h/ws?a=1&', `ws://h/ws?a=1&token=${TOKEN}`],
    ['ws://h/ws?a=1#frag', `ws://h/ws?a=1&token=${TOKEN}#frag`],
  ])('appends the token to the query of %s', (url, expected) => {
    expect(applyToken(url, TOKEN, 'query', 'local')).toEqual({
      url: expected,
      headers: {},
      protocols: [],
    });
  });

  it('percent-encodes a token that is not URL-safe', () => {
    expect(applyToken('ws://h/ws', 'a+b/c=&d', 'query', 'local').url).toBe(
      'ws://h/ws?token=a%2Bb%2Fc%3D%26d',
    );
  });
});
