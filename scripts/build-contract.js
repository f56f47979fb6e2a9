// Precompiles the bundled schemas/ into dist/contract.cjs, so a run needs no schema compiler.
import { writeFile } from 'node:fs/promises';
import { defaultSchemasDir, generateContractModule } from '../dist/schemas.js';

const code = await generateContractModule(defaultSchemasDir());
await writeFile(new URL('../dist/contract.cjs', import.meta.url), code);
