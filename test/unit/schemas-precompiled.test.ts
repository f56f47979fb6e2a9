import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPrecompiled } from '../../src/contract/precompiled-contract.js';
import { BUILT_IN_PROFILES } from '../../src/contract/profile.js';
import {
  builtInProfileDir,
  defaultSchemasDir,
  generateContractModule,
  loadSchemas,
} from '../../src/contract/schemas.js';

// Inside the repository, so the generated require()s of ajv's runtime resolve from node_modules.
const cacheDir = fileURLToPath(
  new URL('../../node_modules/.cache/ws-validate-test/', import.meta.url),
);
const modulePath = join(cacheDir, `contract-${process.pid}.cjs`);
const profileModule = (name: string): string =>
  join(cacheDir, `contract-${process.pid}-${name}.cjs`);
const framesDir = fileURLToPath(new URL('../fixtures/frames/', import.meta.url));

beforeAll(async () => {
  await mkdir(cacheDir, { recursive: true });
  await writeFile(modulePath, await generateContractModule(defaultSchemasDir()));
  for (const name of BUILT_IN_PROFILES) {
    await writeFile(profileModule(name), await generateContractModule(builtInProfileDir(name)));
  }
});
afterAll(async () => {
  await rm(modulePath, { force: true });
  for (const name of BUILT_IN_PROFILES) await rm(profileModule(name), { force: true });
});

async function exampleFrames(): Promise<unknown[]> {
  const frames: unknown[] = [];
  for (const file of [
    'canonical-run',
    'bridge-shape-run',
    'flat-shape-run',
    'suite-flat-run',
    'frontend-shape-run',
    'ag-ui-run',
    'wrapped-run',
    'infrastructure-frames',
  ]) {
    const text = await readFile(join(framesDir, `${file}.ndjson`), 'utf8');
    for (const line of text.split('\n')) if (line.trim() !== '') frames.push(JSON.parse(line));
  }
  return frames;
}

describe('precompiled bundled schemas', () => {
  it('judge every example frame exactly as the runtime-compiled schemas do', async () => {
    const precompiled = await loadPrecompiled(defaultSchemasDir(), modulePath);
    const compiled = await loadSchemas(defaultSchemasDir());
    expect(precompiled).not.toBeNull();
    expect([...precompiled!.schemaNames].sort()).toEqual([...compiled.schemaNames].sort());
    expect(precompiled!.covers).toEqual(compiled.covers);
    const frames = await exampleFrames();
    const failing = frames.filter((f) => compiled.check(f).errors.length > 0);
    expect(failing.length).toBeGreaterThan(5);
    for (const frame of frames) expect(precompiled!.check(frame)).toEqual(compiled.check(frame));
  });

  it.each(BUILT_IN_PROFILES)(
    'judge every example frame as the runtime-compiled %s profile does',
    async (name) => {
      const dir = builtInProfileDir(name);
      const precompiled = await loadPrecompiled(dir, profileModule(name));
      const compiled = await loadSchemas(dir);
      expect(precompiled?.covers).toEqual(compiled.covers);
      for (const frame of await exampleFrames()) {
        expect(precompiled?.check(frame)).toEqual(compiled.check(frame));
      }
    },
  );

  it('are not used once a schema file changed (stale fingerprint)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ws-validate-schemas-'));
    try {
      await cp(defaultSchemasDir(), dir, { recursive: true });
      expect(await loadPrecompiled(dir, modulePath)).not.toBeNull();
      const file = join(dir, 'agent_thinking.schema.json');
      await writeFile(
        file,
        (await readFile(file, 'utf8')).replace('"minLength": 1', '"minLength": 2'),
      );
      expect(await loadPrecompiled(dir, modulePath)).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('are not used when the module is missing', async () => {
    expect(await loadPrecompiled(defaultSchemasDir(), join(cacheDir, 'absent.cjs'))).toBeNull();
  });
});
