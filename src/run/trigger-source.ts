import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadedProfile } from '../contract/profiles.js';
import { PROFILE_FILE } from '../contract/profiles.js';
import { UsageError } from '../shared/errors.js';
import { isNamedTrigger } from '../settings/parse.js';
import type { TriggerSource } from './trigger.js';

/**
 * The trigger every run sends: `--trigger` (or its env var or config field, named by `source`)
 * when given, else the first profile's, else agent_execution.
 */
export async function chooseTrigger(
  given: string | null,
  source: string,
  profile: LoadedProfile | undefined,
): Promise<TriggerSource> {
  if (given !== null) {
    if (isNamedTrigger(given)) return { kind: 'named', name: given };
    const text = await readTemplate(given, source);
    return { kind: 'template', text, source: given, requireType: true };
  }
  if (profile?.spec.trigger != null) {
    return {
      kind: 'template',
      text: JSON.stringify(profile.spec.trigger),
      source: `${join(profile.dir, PROFILE_FILE)}: "trigger"`,
      requireType: false,
    };
  }
  return { kind: 'named', name: 'agent_execution' };
}

async function readTemplate(path: string, source: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError('TRIGGER_UNREADABLE', `${source}: cannot read "${path}"`, {
      hint: 'give agent_execution, start_agent, user_message or the path of a JSON template',
      cause: error,
    });
  }
}
