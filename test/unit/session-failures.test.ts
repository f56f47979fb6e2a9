import { describe, expect, it } from 'vitest';
import {
  connectFailed,
  protocolError,
  serverClosed,
  upgradeRejected,
} from '../../src/session/failures.js';
import { errorCode, isTlsError } from '../../src/shared/network-errors.js';

const URL = 'ws://agent.test:8000/ws';

function netError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe('errorCode', () => {
  it('reads the code of the first address that has one from an AggregateError', () => {
    const error = new AggregateError([new Error('no code'), netError('refused', 'ECONNREFUSED')]);
    expect(errorCode(error)).toBe('ECONNREFUSED');
  });

  it.each([[null], ['ECONNREFUSED'], [{ code: 42 }]])('finds none in %j', (value) => {
    expect(errorCode(value)).toBeUndefined();
  });
});

describe('isTlsError', () => {
  it.each([
    ['CERT_HAS_EXPIRED', true],
    ['ERR_SSL_WRONG_VERSION_NUMBER', true],
    ['ERR_TLS_HANDSHAKE_TIMEOUT', true],
    ['ECONNRESET', false],
  ])('%s is a TLS failure: %s', (code, expected) => {
    expect(isTlsError(code, 'whatever')).toBe(expected);
  });

  it('judges by the message when there is no code', () => {
    expect(isTlsError(undefined, 'self-signed certificate')).toBe(true);
    expect(isTlsError(undefined, 'socket hang up')).toBe(false);
  });
});

describe('upgradeRejected', () => {
  it('names the redirect target with its credentials masked, and follows nothing', () => {
    const failure = upgradeRejected(
      URL,
      { status: 302, statusMessage: 'Found', location: 'wss://other.test/ws?token=abc123' },
      false,
    );
    expect(failure).toEqual({
      code: 'HANDSHAKE_REJECTED',
      exitCode: 3,
      message: `${URL} refused the WebSocket upgrade with HTTP 302 Found.`,
      hint: 'The server redirects to wss://other.test/ws?token=***; use the final URL (redirects are not followed, to keep credentials on this host).',
    });
  });

  it.each([
    [400, true, 'The server may not accept the offered subprotocol'],
    [400, false, 'Check that the URL points at the WebSocket endpoint'],
    [404, true, 'Check that the URL points at the WebSocket endpoint'],
    [503, false, 'The server failed or is not ready'],
  ])('HTTP %d (subprotocol offered: %s) hints "%s"', (status, offered, hint) => {
    const failure = upgradeRejected(URL, { status }, offered);
    expect(failure.code).toBe('HANDSHAKE_REJECTED');
    expect(failure.message).toBe(`${URL} refused the WebSocket upgrade with HTTP ${status}.`);
    expect(failure.hint).toContain(hint);
  });

  it('makes 401 and 403 an auth failure (exit 4)', () => {
    expect(upgradeRejected(URL, { status: 403 }, false)).toMatchObject({
      code: 'AUTH_REJECTED',
      exitCode: 4,
    });
  });
});

describe('connectFailed', () => {
  it.each([
    ['getaddrinfo EAI_AGAIN agent.test', 'EAI_AGAIN', 'DNS_FAILED', 'failed temporarily'],
    ['unable to verify the first certificate', undefined, 'TLS_FAILED', '--ca <file>'],
    ['Server sent no subprotocol', undefined, 'SUBPROTOCOL_REJECTED', 'Authorization header'],
    ['socket hang up', 'ECONNRESET', 'CONNECTION_FAILED', 'WebSocket server'],
  ])('maps "%s" (%s) to %s', (message, code, expected, hint) => {
    const failure = connectFailed(URL, URL, netError(message, code));
    expect(failure).toMatchObject({ code: expected, exitCode: 3 });
    expect(failure.hint).toContain(hint);
  });

  it('names the host without the credentials of the URL', () => {
    const url = 'ws://user:pw@agent.test:8000/ws?token=abc123';
    const failure = connectFailed(url, 'ws://shown', netError('refused', 'ECONNREFUSED'));
    expect(failure.message).toBe(
      'Connection to ws://shown was refused: nothing is listening on agent.test:8000.',
    );
  });

  it('masks a token in the error text and ends it as a clause', () => {
    const failure = connectFailed(URL, URL, netError('bad response for token=abc123. \n'));
    expect(failure.message).toBe(
      `Could not open a WebSocket to ${URL}: bad response for token=***.`,
    );
  });
});

describe('protocolError', () => {
  it('reports invalid UTF-8 as a 1007 close and other violations as 1002', () => {
    const utf8 = protocolError(URL, netError('Invalid UTF-8 sequence', 'WS_ERR_INVALID_UTF8'));
    const opcode = protocolError(URL, netError('Invalid opcode 3', 'WS_ERR_INVALID_OPCODE'));
    expect(utf8.close).toEqual({ code: 1007, reason: 'Invalid UTF-8 sequence' });
    expect(opcode.close).toEqual({ code: 1002, reason: 'Invalid opcode 3' });
    expect(opcode.failure).toMatchObject({ code: 'PROTOCOL_ERROR', exitCode: 3 });
  });
});

describe('serverClosed', () => {
  it('makes 1006 a drop and says when it came', () => {
    const ending = serverClosed(URL, { code: 1006, reason: '' }, 1234.6);
    expect(ending.reason).toBe('dropped');
    expect(ending.failure?.message).toBe(
      `The connection to ${URL} dropped without a close frame (1006) 1235 ms after the trigger.`,
    );
    expect(serverClosed(URL, { code: 1006, reason: '' }, null).failure?.message).toBe(
      `The connection to ${URL} dropped without a close frame (1006).`,
    );
  });

  it('makes 1014 the server going away, with the reason masked', () => {
    const ending = serverClosed(URL, { code: 1014, reason: 'upstream token=abc123' }, 5);
    expect(ending).toMatchObject({ reason: 'closed', close: { code: 1014 } });
    expect(ending.failure?.code).toBe('SERVER_GOING_AWAY');
    expect(ending.failure?.message).toContain('1014 (bad gateway): "upstream token=***"');
  });

  it.each([1000, 1008, 4000])('leaves %d to the judge', (code) => {
    expect(serverClosed(URL, { code, reason: 'x' }, 5)).toEqual({
      reason: 'closed',
      close: { code, reason: 'x' },
    });
  });
});
