import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTrust, parseCaFile } from '../../src/shared/trust.js';

const CERT = fileURLToPath(new URL('../fixtures/tls/cert.pem', import.meta.url));
const PEM = readFileSync(CERT, 'utf8').trim();

// Node's default trust store as Node itself lists it: from Node 22.15 on that may hold the system's
// certificates too, not only the bundled roots (rootCertificates).
const withDefaults = tls as typeof tls & { getCACertificates?: (kind: 'default') => string[] };
const DEFAULT_STORE = withDefaults.getCACertificates?.('default') ?? tls.rootCertificates;

describe('loadTrust', () => {
  it('adds the --ca certificates to the default trust store instead of replacing it', async () => {
    const trust = await loadTrust({ ca: CERT, insecure: false });
    expect(trust.ca).toHaveLength(DEFAULT_STORE.length + 1);
    expect(trust.ca).toEqual(
      expect.arrayContaining([...tls.rootCertificates, ...DEFAULT_STORE, PEM]),
    );
  });

  it("leaves Node's default store alone without --ca", async () => {
    expect(await loadTrust({ ca: null, insecure: true })).toEqual({ ca: null, insecure: true });
  });
});

describe('parseCaFile', () => {
  it('returns every certificate of a bundle, with text around them ignored', () => {
    expect(parseCaFile(`# ours\n${PEM}\n\nsubject=x\n${PEM}\n`, 'ca.pem')).toEqual([PEM, PEM]);
  });

  it.each([
    ['', 'ca.pem holds no PEM X.509 certificate'],
    ['-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', 'holds no PEM X.509'],
    [
      `${PEM}\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----`,
      'certificate 2 of ca.pem is not a valid X.509 certificate',
    ],
  ])('refuses %j as a usage error', (text, message) => {
    expect(() => parseCaFile(text, 'ca.pem')).toThrow(
      expect.objectContaining({
        code: 'CA_INVALID',
        exitCode: 2,
        message: expect.stringContaining(message) as unknown,
      }),
    );
  });
});
