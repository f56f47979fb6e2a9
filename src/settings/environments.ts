import { UsageError } from '../shared/errors.js';
import type { ConfigFile } from './config-file.js';
import type { ConfigFields } from './options.js';

/** One named environment: where to connect, how to authenticate, and its run settings. */
export type Environment = Omit<ConfigFields, 'url' | 'authUrl'> & {
  name: string;
  /** WebSocket URL; null for `embedded`, whose URL exists only once its server runs. */
  url: string | null;
  /** Base URL of the auth service (E2E token endpoint), when there is one. */
  authUrl: string | null;
  /** Where this environment was defined: `built-in` or the config file's path. */
  source: string;
};

/** The environments every install knows (docs/protocol.md section 1). */
export const BUILT_IN_ENVIRONMENTS: readonly Environment[] = [
  {
    name: 'local',
    url: 'ws://localhost:8000/ws',
    authUrl: 'http://localhost:8081',
    source: 'built-in',
  },
  {
    name: 'staging',
    url: 'wss://api.staging.netrasystems.ai/ws',
    authUrl: 'https://auth.staging.netrasystems.ai',
    source: 'built-in',
  },
  {
    name: 'production',
    url: 'wss://api.netrasystems.ai/ws',
    authUrl: 'https://auth.netrasystems.ai',
    protected: true,
    source: 'built-in',
  },
  { name: 'embedded', url: null, authUrl: null, source: 'built-in' },
];

/** All environments: built-ins overlaid by the config file's entries of the same name. */
export function listEnvironments(config: ConfigFile | null): Environment[] {
  const byName = new Map<string, Environment>(BUILT_IN_ENVIRONMENTS.map((e) => [e.name, e]));
  for (const env of config?.environments ?? []) {
    const base = byName.get(env.name) ?? { url: null, authUrl: null };
    byName.set(env.name, { ...base, ...env });
  }
  return [...byName.values()];
}

/** Finds an environment by name or throws a usage error listing the known ones. */
export function findEnvironment(name: string, config: ConfigFile | null): Environment {
  const all = listEnvironments(config);
  const env = all.find((e) => e.name === name);
  if (!env) {
    throw new UsageError('UNKNOWN_ENV', `unknown environment "${name}"`, {
      hint: `known: ${all.map((e) => e.name).join(', ')}; add more in ws-validate.config.json`,
    });
  }
  return env;
}

function hostnameOf(url: string): string | null {
  try {
    return new URL(url).hostname.replace(/\.$/, '');
  } catch {
    return null;
  }
}

/** The protected environment whose URL has the same host name as `url` (any port), if any. */
export function protectedEnvironmentAt(
  url: string,
  config: ConfigFile | null,
): Environment | undefined {
  const host = hostnameOf(url);
  if (host === null) return undefined;
  return listEnvironments(config).find(
    (env) => env.protected === true && env.url !== null && hostnameOf(env.url) === host,
  );
}
