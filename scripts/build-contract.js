// Precompiles each built-in profile's schemas into dist/contract-<name>.cjs, so a run needs no
// schema compiler; they share the formats module written first.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BUILT_IN_PROFILES,
  FORMATS_MODULE,
  builtInContractModule,
  builtInProfileDir,
  generateContractModule,
  generateFormatsModule,
} from '../dist/schemas.js';

await writeFile(new URL(`../dist/${FORMATS_MODULE}`, import.meta.url), generateFormatsModule());

for (const name of BUILT_IN_PROFILES) {
  const dir = builtInProfileDir(name);
  const { typeField } = JSON.parse(await readFile(join(dir, 'profile.json'), 'utf8'));
  const code = await generateContractModule(dir, typeField.split('.'));
  await writeFile(builtInContractModule(name), code);
}
