import type { LoadedProfile } from '../contract/profiles.js';
import type { ServerProtocol } from '../server/scenarios.js';
import { parseProtocolScenario } from '../settings/parse.js';

const STEP_DELAY_MS = 100;

/** The embedded reference server of one invocation: where it listens and the secret its tokens are signed with. */
export interface EmbeddedServer {
  url: string;
  secret: string;
  close(): Promise<void>;
}

/** The protocol the embedded server speaks for a run judged first by `profile`: AG-UI for the built-in ag-ui profile, else the agent backend's. */
export function embeddedProtocol(profile: LoadedProfile): ServerProtocol {
  return profile.builtIn && profile.spec.name === 'ag-ui' ? 'ag-ui' : 'netra';
}

/**
 * Starts the reference server in the protocol of the first profile, with `scenarioText` (checked
 * against that protocol's scenarios) for every connection; `addSecret` learns its secret at once.
 */
export async function startEmbeddedServer(
  first: LoadedProfile,
  scenarioText: string | null,
  addSecret: (secret: string) => void,
): Promise<EmbeddedServer> {
  const protocol = embeddedProtocol(first);
  const scenario =
    scenarioText === null
      ? null
      : parseProtocolScenario(scenarioText, protocol, {
          why: ` (the embedded server speaks ${protocol} for the profile ${first.spec.name})`,
          // The first profile chooses the protocol: ag-ui for AG-UI, any other for netra.
          switchTo: (other) => `give --profile ${other === 'ag-ui' ? 'ag-ui' : 'canonical'} first`,
        });
  const { startReferenceServer, generateSecret } = await import('../server/index.js');
  const secret = generateSecret();
  addSecret(secret);
  const server = await startReferenceServer({
    jwtSecret: secret,
    protocol,
    stepDelayMs: STEP_DELAY_MS,
    ...(scenario === null ? {} : { scenario }),
  });
  return { url: server.url, secret, close: () => server.close() };
}
