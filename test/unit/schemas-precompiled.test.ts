import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPrecompiled } from '../../src/contract/precompiled-contract.js';
import { BUILT_IN_PROFILES } from '../../src/contract/profile.js';
import {
  FORMATS_MODULE,
  builtInProfileDir,
  defaultSchemasDir,
  generateContractModule,
  generateFormatsModule,
  loadSchemas,
} from '../../src/contract/schemas.js';

// Inside the repository, so the generated require()s of ajv's runtime resolve from node_modules;
// one folder per process, as the modules require their formats module beside them by one name.
const cacheDir = fileURLToPath(
  new URL(`../../node_modules/.cache/ws-validate-test/${process.pid}/`, import.meta.url),
);
const modulePath = join(cacheDir, 'contract.cjs');
const profileModule = (name: string): string => join(cacheDir, `contract-${name}.cjs`);
const framesDir = fileURLToPath(new URL('../fixtures/frames/', import.meta.url));

beforeAll(async () => {
  await mkdir(cacheDir, { recursive: true });
  await writeFile(join(cacheDir, FORMATS_MODULE), generateFormatsModule());
  await writeFile(modulePath, await generateContractModule(defaultSchemasDir()));
  for (const name of BUILT_IN_PROFILES) {
    await writeFile(profileModule(name), await generateContractModule(builtInProfileDir(name)));
  }
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
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

  it('share a date-time check that answers each string as ajv-formats does, repeated or not', () => {
    type Format = { validate: (text: string) => boolean };
    const require = createRequire(import.meta.url);
    const own = (require(join(cacheDir, FORMATS_MODULE)) as { fullFormats: Record<string, Format> })
      .fullFormats['date-time'];
    const theirs = (require('ajv-formats/dist/formats') as { fullFormats: Record<string, Format> })
      .fullFormats['date-time'];
    const texts = [
      '2026-11-24T11:25:54.000Z',
      '2026-11-24T11:25:54.000Z',
      '2026-11-24 11:25:54',
      '2026-11-24 11:25:54',
      '2026-02-30T00:00:00Z',
      '2026-11-24T11:25:54.000Z',
      '',
      '',
      '2026-11-24T11:25:54+01:00',
    ];
    const answers = texts.map((text) => own?.validate(text));
    expect(answers).toEqual([true, true, false, false, false, true, false, false, true]);
    expect(answers).toEqual(texts.map((text) => theirs?.validate(text)));
  });

  it('are not used when the module is missing', async () => {
    expect(await loadPrecompiled(defaultSchemasDir(), join(cacheDir, 'absent.cjs'))).toBeNull();
  });
});
