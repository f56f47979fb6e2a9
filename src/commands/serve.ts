import type { CliIo } from '../cli.js';
import { parseCount, parseDuration, parseScenario } from '../options.js';

/** `ws-validate serve`: runs the reference agent server until SIGINT/SIGTERM. */
export async function serveCommand(
  flags: Record<string, string | undefined>,
  io: CliIo,
): Promise<number> {
  const server = await import('../server/index.js');
  const scenario = parseScenario(flags.scenario ?? 'happy');
  const port = parseCount(flags.port ?? '8765', '--port', 0, 65_535);
  const stepDelayMs =
    flags.stepDelay === undefined
      ? undefined
      : parseDuration(flags.stepDelay, '--step-delay', { allowZero: true });
  const secret = flags.jwtSecret ?? server.generateSecret();
  const running = await server.startReferenceServer({
    host: flags.host ?? '127.0.0.1',
    port,
    scenario,
    jwtSecret: secret,
    ...(stepDelayMs === undefined ? {} : { stepDelayMs }),
    log: (line) => void io.stderr.write(`${line}\n`),
  });
  io.stdout.write(`${running.url}\n`);
  io.stderr.write(`reference agent server listening on ${running.url} (scenario: ${scenario})\n`);
  if (flags.jwtSecret === undefined) {
    // A throwaway secret for a local server: the token is the only way in, so it is shown.
    const token = await server.mintServerToken(secret, { sub: 'ws-validate-user' });
    io.stderr.write(`token (valid 1h): ${token}\n`);
    io.stderr.write(`try: ws-validate --url ${running.url} --token ${token}\n`);
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
