// Bundles src/ and its dependencies into dist/: one file per entry plus shared chunks, all in one
// folder so that paths taken from import.meta.url (schemas/, package.json) hold for every chunk.
// Fewer, larger modules start much faster than hundreds of small ones.
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';

await rm(new URL('../dist/', import.meta.url), { recursive: true, force: true });
await build({
  // cli and index are the package's; schemas, config-schema, report-schema and help serve the
  // build scripts, action the GitHub Action (action.yml).
  entryPoints: {
    cli: 'src/cli/main.ts',
    index: 'src/index.ts',
    schemas: 'src/contract/schemas.ts',
    'config-schema': 'src/settings/config-schema.ts',
    'report-schema': 'src/report/report-schema.ts',
    action: 'src/cli/action-main.ts',
    help: 'src/cli/help-text.ts',
  },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  // ws loads these native speed-ups when present and does without them otherwise.
  external: ['bufferutil', 'utf-8-validate'],
  // Bundled CommonJS dependencies call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
});
