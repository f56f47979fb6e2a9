import type { CliIo } from '../io.js';
import { UsageError } from '../../shared/errors.js';
import { resolveServeSettings, type ServeFlags } from '../../settings/serve-options.js';

/** `ws-validate serve`: runs the reference agent server until SIGINT/SIGTERM. */
export async function serveCommand(flags: ServeFlags, io: CliIo): Promise<number> {
  const settings = resolveServeSettings(flags);
  const server = await import('../../server/index.js');
  const { host, port, protocol, scenario } = settings;
  const secret = settings.jwtSecret ?? server.generateSecret();
  const running = await server
    .startReferenceServer({
      host,
      port,
      protocol,
      scenario,
      jwtSecret: secret,
      stepDelayMs: settings.stepDelayMs,
      handshake: settings.handshake,
      maxFrameBytes: settings.maxFrameBytes,
      log: (line) => void io.stderr.write(`${line}\n`),
    })
    .catch((error: unknown) => {
      throw listenError(error, host, port);
    });
  io.stdout.write(`${running.url}\n`);
  const handshake = settings.handshake ? ', handshake' : '';
  io.stderr.write(
    `reference agent server listening on ${running.url} (${protocol}, scenario: ${scenario}${handshake})\n`,
  );
  if (settings.jwtSecret === null) {
    // A throwaway secret for a local server: the token is the only way in, so it is shown.
    const token = await server.mintServerToken(secret, { sub: 'ws-validate-user' });
    io.stderr.write(`token (valid 1h): ${token}\n`);
    // The validator's contract is the netra protocol's; an AG-UI server needs an AG-UI client.
    if (protocol === 'netra') {
      io.stderr.write(`try: ws-validate --url ${running.url} --token ${token}\n`);
    }
  }
  io.stderr.write('press Ctrl-C to stop\n');
  await new Promise<void>((resolve) => {
    if (!io.signal || io.signal.aborted) return resolve();
    io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await running.close();
  io.stderr.write('stopped\n');
  return 0;
}

// A port in use or not ours to take is the user's to change, not a bug.
function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') {
    return new UsageError('PORT_IN_USE', `cannot listen on ${host}:${port}: the port is in use`, {
      hint: 'choose another --port, or --port 0 for a free one',
      cause: error,
    });
  }
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new UsageError('CANNOT_LISTEN', `cannot listen on ${host}:${port} (${code})`, {
      hint: 'check --host and --port',
      cause: error,
    });
  }
  return error;
}
