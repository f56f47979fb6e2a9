import { parseCount, parseDuration } from '../settings/parse.js';
import {
  generateSecret,
  mintServerToken,
  startReferenceServer as startServer,
  type ScenarioName,
} from '../server/index.js';
import { UsageError } from '../shared/errors.js';

/** Options of the reference agent server; every one may be left out. */
export interface ReferenceServerOptions {
  /** The fault scenario of every connection (default `happy`); `?scenario=NAME` on the URL overrides it. */
  scenario?: ScenarioName;
  /** TCP port; default 0, a free one. */
  port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /** HS256 secret its tokens are verified with; generated when absent. */
  secret?: string;
  /** Delay between agent events, as `'200ms'` or milliseconds; default 200 ms, 0 for none. */
  stepDelay?: string | number;
}

/** A running reference server, with a token it accepts. */
export interface RunningReferenceServer {
  /** `ws://host:port/ws`. */
  url: string;
  /** A token for the server's secret, valid for an hour. */
  token: string;
  /** The HS256 secret, to mint more tokens (`jwtSecret` of `validate`). */
  secret: string;
  /** Ends every connection and stops listening. */
  close(): Promise<void>;
}

/** Starts the reference agent server of `ws-validate serve` and resolves once it listens. */
export async function startReferenceServer(
  options: ReferenceServerOptions = {},
): Promise<RunningReferenceServer> {
  const secret = options.secret ?? generateSecret();
  if (secret === '') throw new UsageError('BAD_OPTION', 'option "secret" must not be empty');
  const port = parseCount(String(options.port ?? 0), 'port', 0, 65_535);
  const stepDelay = options.stepDelay;
  const stepDelayMs =
    stepDelay === undefined
      ? undefined
      : parseDuration(typeof stepDelay === 'number' ? `${stepDelay}ms` : stepDelay, 'stepDelay', {
          allowZero: true,
        });
  const server = await startServer({
    jwtSecret: secret,
    port,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.scenario === undefined ? {} : { scenario: options.scenario }),
    ...(stepDelayMs === undefined ? {} : { stepDelayMs }),
  });
  const token = await mintServerToken(secret, { sub: 'ws-validate-user' });
  return { url: server.url, token, secret, close: () => server.close() };
}
