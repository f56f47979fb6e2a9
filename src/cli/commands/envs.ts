import type { CliIo } from '../io.js';
import type { EnvsFlags } from '../subcommand-options.js';
import { listEnvironments } from '../../settings/environments.js';
import { loadConfig } from '../../settings/config-file.js';
import { redactUrl } from '../../shared/redact.js';

/** `ws-validate envs`: lists built-in and configured environments, URLs redacted. */
export async function envsCommand(flags: EnvsFlags, io: CliIo): Promise<number> {
  const config = await loadConfig(flags.config, io.cwd);
  const envs = listEnvironments(config);
  const width = Math.max(...envs.map((e) => e.name.length));
  for (const env of envs) {
    const url = env.url === null ? '(reference server started in-process)' : redactUrl(env.url);
    const notes = [
      env.protected ? 'needs --confirm-production' : '',
      env.source === 'built-in' ? '' : `from ${env.source}`,
    ].filter(Boolean);
    const suffix = notes.length > 0 ? `  [${notes.join('; ')}]` : '';
    io.stdout.write(`${env.name.padEnd(width)}  ${url}${suffix}\n`);
  }
  return 0;
}
