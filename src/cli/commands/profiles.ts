import type { CliIo } from '../io.js';
import type { ProfilesFlags } from '../../settings/subcommand-options.js';
import { BUILT_IN_PROFILES } from '../../contract/profile.js';
import {
  loadProfile,
  readProfileSpec,
  selectProfiles,
  type ProfileRef,
} from '../../contract/profiles.js';
import { builtInProfileDir } from '../../contract/schemas.js';
import { loadConfig } from '../../settings/config-file.js';
import { listEnvironments } from '../../settings/environments.js';
import { profileChoices } from '../../settings/resolve.js';
import { UsageError } from '../../shared/errors.js';

/** A profile to list, and where it was named. */
interface Listed {
  ref: ProfileRef;
  /** `built-in`, or the config file's environments that name the folder. */
  source: string;
}

/** The built-in profiles, then the profile folders the config file's environments name. */
async function listedProfiles(flags: ProfilesFlags, io: CliIo): Promise<Listed[]> {
  const listed: Listed[] = BUILT_IN_PROFILES.map((name) => ({
    ref: { kind: 'built-in', name },
    source: 'built-in',
  }));
  const config = await loadConfig(flags.config, io.cwd);
  for (const env of config === null ? [] : listEnvironments(config)) {
    for (const ref of selectProfiles(profileChoices({}, env, io.cwd))) {
      if (ref.kind !== 'folder') continue;
      const known = listed.find((l) => l.ref.kind === 'folder' && l.ref.dir === ref.dir);
      if (known !== undefined) known.source += `, ${env.name}`;
      else listed.push({ ref, source: `${env.source}: environment ${env.name}` });
    }
  }
  return listed;
}

/** `ws-validate profiles`: lists the built-in and configured profiles with their required events. */
export async function profilesCommand(flags: ProfilesFlags, io: CliIo): Promise<number> {
  const rows: [string, string, string, string][] = [];
  for (const { ref, source } of await listedProfiles(flags, io)) {
    const dir = ref.kind === 'built-in' ? builtInProfileDir(ref.name) : ref.dir;
    const spec = await readProfileSpec(dir);
    const where = ref.kind === 'built-in' ? source : `${dir} (${source})`;
    rows.push([spec.name, where, spec.description, spec.required.join(', ')]);
  }
  const width = Math.max(...rows.map(([name]) => name.length));
  for (const [name, where, description, required] of rows) {
    const indent = ' '.repeat(width + 2);
    io.stdout.write(`${name.padEnd(width)}  ${where}\n`);
    if (description !== '') io.stdout.write(`${indent}${description}\n`);
    io.stdout.write(`${indent}requires ${required}\n`);
  }
  return 0;
}

/** `ws-validate profiles show <name>`: loads one profile in full (schemas too) and prints its profile.json with every default filled in. */
export async function showProfileCommand(
  name: string,
  flags: ProfilesFlags,
  io: CliIo,
): Promise<number> {
  const configured = (await listedProfiles(flags, io)).filter((l) => l.ref.kind === 'folder');
  let ref: ProfileRef | undefined;
  // A configured folder may be named by its profile's name, as `profiles` lists it.
  for (const { ref: candidate } of configured) {
    if (candidate.kind === 'folder' && (await readProfileSpec(candidate.dir)).name === name) {
      ref = candidate;
    }
  }
  ref ??= selectProfiles([{ text: name, baseDir: io.cwd, source: 'profiles show' }])[0];
  if (ref === undefined) {
    throw new UsageError('PROFILE_UNKNOWN', `no profile "${name}"`, {
      hint: '`ws-validate profiles` lists the known ones',
    });
  }
  const profile = await loadProfile(ref);
  io.stdout.write(`${JSON.stringify(profile.spec, null, 2)}\n`);
  return 0;
}
