// Precompiles each built-in profile's schemas into dist/contract-<name>.cjs, so a run needs no
// schema compiler.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BUILT_IN_PROFILES, builtInProfileDir, generateContractModule } from '../dist/schemas.js';

for (const name of BUILT_IN_PROFILES) {
  const dir = builtInProfileDir(name);
  const { typeField } = JSON.parse(await readFile(join(dir, 'profile.json'), 'utf8'));
  const code = await generateContractModule(dir, typeField.split('.'));
  await writeFile(new URL(`../dist/contract-${name}.cjs`, import.meta.url), code);
}
