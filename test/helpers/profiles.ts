import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeProfile, type ContractProfile } from '../../src/contract/profile.js';
import { parseProfileJson } from '../../src/contract/profile-json.js';

/** A built-in profile's definition, read from its profile.json (its schemas are not loaded). */
export function builtInProfile(name: string): ContractProfile {
  const path = fileURLToPath(new URL(`../../profiles/${name}/profile.json`, import.meta.url));
  return describeProfile(parseProfileJson(readFileSync(path, 'utf8'), path));
}

/** The canonical profile's definition. */
export function canonicalProfile(): ContractProfile {
  return builtInProfile('canonical');
}
