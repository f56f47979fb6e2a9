import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { CliIo } from '../io.js';
import { buildAsyncApi, type AsyncApiEndpoint } from '../../contract/asyncapi.js';
import { loadProfile, selectProfilesOrDefault } from '../../contract/profiles.js';
import { readSchemaFiles } from '../../contract/schema-files.js';
import { buildNamedTrigger } from '../../run/trigger.js';
import type { ExportFlags } from '../../settings/export-options.js';
import { flagProfileChoices } from '../../settings/resolve.js';
import { ensureDir } from '../../shared/ensure-dir.js';
import { UsageError } from '../../shared/errors.js';
import { readVersion } from '../../shared/package.js';

// The named trigger a profile without one sends, with its placeholders in place of values.
const PLACEHOLDERS = {
  thread_id: '{{thread_id}}',
  run_id: '{{run_id}}',
  user_id: '{{user_id}}',
  message: '{{message}}',
  agent: '{{agent}}',
};

/** `ws-validate export asyncapi`: an AsyncAPI 3.0 document of one profile, YAML on stdout or in a file (JSON for `.json`). */
export async function exportAsyncApiCommand(flags: ExportFlags, io: CliIo): Promise<number> {
  const given = flags.profile === undefined ? [] : [flags.profile];
  const refs = selectProfilesOrDefault(flagProfileChoices(given, io.cwd));
  const [ref] = refs;
  if (ref === undefined || refs.length > 1) {
    throw new UsageError(
      'EXPORT_ONE_PROFILE',
      `--profile: export asyncapi describes one profile, and "${flags.profile ?? ''}" names ${refs.length}`,
      { hint: 'give one built-in name or folder, e.g. --profile ag-ui' },
    );
  }
  // Loading checks the profile as a run would: a broken one is refused the same way.
  const profile = await loadProfile(ref);
  const files = (await readSchemaFiles(profile.dir)).flatMap((f) =>
    f.schema === undefined ? [] : [{ file: f.file, schema: f.schema }],
  );
  const document = buildAsyncApi({
    spec: profile.spec,
    files,
    covers: profile.checker.covers,
    trigger: profile.spec.trigger ?? buildNamedTrigger('agent_execution', PLACEHOLDERS).frame,
    endpoint: flags.url === undefined ? null : endpointOf(flags.url),
    generator: `ws-validate ${readVersion()}`,
  });
  const output = flags.output;
  const json = output !== undefined && output.toLowerCase().endsWith('.json');
  const text = json ? `${JSON.stringify(document, null, 2)}\n` : await toYaml(document);
  if (output === undefined) {
    io.stdout.write(text);
    return 0;
  }
  const path = resolve(io.cwd, output);
  try {
    await ensureDir(dirname(path));
    await writeFile(path, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'an error';
    throw new UsageError('OUTPUT_UNWRITABLE', `--output: cannot write ${path} (${code})`, {
      hint: 'give a file in a folder you may write to, or leave out --output for stdout',
      cause: error,
    });
  }
  io.stderr.write(
    `wrote ${path} (AsyncAPI ${String(document.asyncapi)}, profile ${profile.spec.name})\n`,
  );
  return 0;
}

// Only the server and the path: a URL's credentials and query (tokens) stay out of the document.
function endpointOf(url: string): AsyncApiEndpoint {
  const parsed = new URL(url);
  return {
    host: parsed.host,
    protocol: parsed.protocol === 'wss:' ? 'wss' : 'ws',
    path: parsed.pathname,
  };
}

async function toYaml(document: unknown): Promise<string> {
  // The YAML writer is loaded only by this command. A CommonJS module: `default` is its
  // module.exports, both under Node's loader and bundled.
  const { default: yaml } = await import('yaml');
  // No anchors and aliases: every reader of AsyncAPI takes plain YAML; long lines stay whole.
  return yaml.stringify(document, { aliasDuplicateObjects: false, lineWidth: 0 });
}
