import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as tls from 'node:tls';
import { UsageError } from './errors.js';

/** Which certificates a TLS connection (wss:// or the E2E token request) trusts. */
export interface Trust {
  /** The certificates to trust, PEM; null for Node's default trust store alone. */
  ca: string[] | null;
  /** Skip certificate verification (--insecure). */
  insecure: boolean;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The certificates of a PEM file, each checked as X.509; anything else is a usage error naming `path`. */
export function parseCaFile(text: string, path: string): string[] {
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) {
    throw new UsageError('CA_INVALID', `--ca: ${path} holds no PEM X.509 certificate`, {
      hint: 'give a file of PEM certificates (-----BEGIN CERTIFICATE-----), e.g. the CA that signed the server',
    });
  }
  blocks.forEach((block, index) => {
    try {
      new X509Certificate(block);
    } catch (error) {
      throw new UsageError(
        'CA_INVALID',
        `--ca: certificate ${index + 1} of ${path} is not a valid X.509 certificate`,
        { hint: 'check the file: each certificate must be complete and unedited', cause: error },
      );
    }
  });
  return blocks;
}

// The default trust store: Node's bundled roots, and on Node versions that can say so the system's
// and NODE_EXTRA_CA_CERTS too. Passing `ca` replaces it, so --ca certificates are added to it.
function defaultCertificates(): string[] {
  const withDefaults = tls as typeof tls & { getCACertificates?: (kind: string) => string[] };
  return withDefaults.getCACertificates?.('default') ?? [...tls.rootCertificates];
}

/** Reads --ca (added to the default trust store) and --insecure once, before anything connects. */
export async function loadTrust(options: { ca: string | null; insecure: boolean }): Promise<Trust> {
  if (options.ca === null) return { ca: null, insecure: options.insecure };
  let text: string;
  try {
    text = await readFile(options.ca, 'utf8');
  } catch (error) {
    throw new UsageError('CA_UNREADABLE', `--ca: cannot read "${options.ca}"`, { cause: error });
  }
  return {
    ca: [...defaultCertificates(), ...parseCaFile(text, options.ca)],
    insecure: options.insecure,
  };
}

/** The TLS options of a connection that trusts `trust`: its certificates, and no verification when insecure. */
export function tlsOptionsOf<Ca>(trust: { ca?: Ca | null; insecure?: boolean }): {
  ca?: Ca;
  rejectUnauthorized?: false;
} {
  return {
    ...(trust.ca === undefined || trust.ca === null ? {} : { ca: trust.ca }),
    ...(trust.insecure === true ? { rejectUnauthorized: false as const } : {}),
  };
}
