import type { CliIo } from '../io.js';
import type { EnvsFlags } from '../../settings/subcommand-options.js';
import { listEnvironments } from '../../settings/environments.js';
import { loadConfig } from '../../settings/config-file.js';
import { defaultOf } from '../../settings/options.js';
import { redactUrl } from '../../shared/redact.js';

/** `ws-validate envs`: lists built-in and configured environments, URLs redacted, the default marked. */
export async function envsCommand(flags: EnvsFlags, io: CliIo): Promise<number> {
  const config = await loadConfig(flags.config, io.cwd);
  for (const line of config?.warnings ?? []) io.stderr.write(`warning: ${line}\n`);
  const envs = listEnvironments(config);
  const defaultEnv = config?.defaultEnv ?? defaultOf('env');
  const width = Math.max(...envs.map((e) => e.name.length));
  for (const env of envs) {
    const url =
      env.url !== null
        ? redactUrl(env.url)
        : env.name === 'embedded'
          ? '(reference server started in-process)'
          : `(no url: pass --url, or set "url" in ${env.source})`;
    const notes = [
      env.name === defaultEnv ? 'default' : '',
      env.protected ? 'needs --confirm-production' : '',
      env.source === 'built-in' ? '' : `from ${env.source}`,
    ].filter(Boolean);
    const suffix = notes.length > 0 ? `  [${notes.join('; ')}]` : '';
    io.stdout.write(`${env.name.padEnd(width)}  ${url}${suffix}\n`);
  }
  return 0;
}
