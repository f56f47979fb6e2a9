// Writes config.schema.json at the package root from the option table (see src/settings/config-schema.ts).
import { writeFile } from 'node:fs/promises';
import { buildConfigSchema } from '../dist/config-schema.js';

await writeFile(
  new URL('../config.schema.json', import.meta.url),
  `${JSON.stringify(buildConfigSchema(), null, 2)}\n`,
);
