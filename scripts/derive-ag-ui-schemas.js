// Derives the JSON Schemas of the ag-ui profile (profiles/ag-ui/) from the zod definitions that
// @ag-ui/core publishes, so that the profile checks what AG-UI's own client checks and is never
// retyped by hand. Run it after upgrading @ag-ui/core (`npm run derive:ag-ui`); with `--check` it
// writes nothing and lists the committed files that differ from what it derives (a test runs that).
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@ag-ui/core/schemas';
import { format, resolveConfig } from 'prettier';
import { z } from 'zod/v4';

const PROFILE_DIR = fileURLToPath(new URL('../profiles/ag-ui/', import.meta.url));
const ID_BASE = 'https://ws-validate.dev/profiles/ag-ui/';
const CORE_VERSION = createRequire(import.meta.url)('@ag-ui/core/package.json').version;

// Parts that several events (and the trigger) share, each written once to defs/<name>.schema.json.
const SHARED = {
  Message: core.MessageSchema,
  ContentPart: core.ContentPartSchema,
  RunAgentInput: core.RunAgentInputSchema,
  JsonPatch: core.JsonPatchSchema,
};

// zod's refinements are functions, which JSON Schema cannot carry. Each one is recognised by what
// it accepts among these probe values, and replaced by the JSON Schema that accepts the same; one
// that matches no entry stops the derivation rather than being dropped silently.
const OBJECT = {};
const PROBES = [null, undefined, OBJECT, [], 0, 1.5, '', 'text', true];
const REFINEMENTS = [
  { accepts: PROBES.filter((v) => v !== null), schema: { not: { type: 'null' } } },
  // Being present is the `required` list's business, which zod already writes.
  { accepts: PROBES.filter((v) => v !== undefined), schema: {} },
  { accepts: [OBJECT], schema: { type: 'object' } },
];

function describeRefinement(fn, where) {
  const accepted = PROBES.filter((value) => fn(value) === true);
  const found = REFINEMENTS.find(
    (r) => r.accepts.length === accepted.length && r.accepts.every((v) => accepted.includes(v)),
  );
  if (found === undefined) {
    throw new Error(
      `${where}: no entry of REFINEMENTS accepts what the refinement ${String(fn)} accepts; add one`,
    );
  }
  return found.schema;
}

/** Adds to the JSON Schema of a zod schema what its refinements and custom checks say. */
function translateChecks({ zodSchema, jsonSchema }, where) {
  const def = zodSchema._zod.def;
  const fns = [
    ...(def.type === 'custom' ? [def.fn] : []),
    ...(def.checks ?? []).filter((c) => c._zod.def.check === 'custom').map((c) => c._zod.def.fn),
  ];
  for (const fn of fns) Object.assign(jsonSchema, describeRefinement(fn, where));
  // zod copies a schema's metadata into its JSON Schema. @ag-ui/core's `specOpen` tells its client
  // to keep unknown members, which `additionalProperties` already says, and is no JSON Schema keyword.
  delete jsonSchema.specOpen;
}

const fileOf = (name) => (name in SHARED ? `defs/${name}.schema.json` : `${name}.schema.json`);

/** Every schema file of the profile, by its path in the profile folder, as the text to write. */
export async function deriveAgUiSchemas() {
  const registry = z.registry();
  const sources = new Map();
  for (const [name, schema] of Object.entries(SHARED)) {
    registry.add(schema, { id: name });
    sources.set(name, `${name}Schema`);
  }
  for (const schema of core.EventSchema.options) {
    const type = schema.shape.type.value;
    registry.add(schema, { id: type });
    sources.set(type, `the ${type} member of EventSchema`);
  }
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    // What arrives on the wire, before any of zod's transforms.
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `${ID_BASE}${fileOf(id)}`,
    override: (ctx) => translateChecks(ctx, `@ag-ui/core ${CORE_VERSION}`),
  });
  // Written as the repository's formatter writes JSON, so that the files pass its check.
  const prettier = { ...(await resolveConfig(join(PROFILE_DIR, 'profile.json'))), parser: 'json' };
  const files = new Map();
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema, ...body } = schema;
    const json = JSON.stringify({
      $schema,
      $id: `${ID_BASE}${fileOf(id)}`,
      title: id,
      $comment: `Derived from ${sources.get(id)} of @ag-ui/core ${CORE_VERSION} by scripts/derive-ag-ui-schemas.js; do not edit.`,
      ...body,
    });
    files.set(fileOf(id), await format(json, prettier));
  }
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

/** The schema files in the profile folder now, by path, with their text. */
async function committedSchemas() {
  const files = new Map();
  for (const dir of ['', 'defs/']) {
    const names = await readdir(join(PROFILE_DIR, dir)).catch(() => []);
    for (const name of names.filter((n) => n.endsWith('.schema.json'))) {
      files.set(`${dir}${name}`, await readFile(join(PROFILE_DIR, dir, name), 'utf8'));
    }
  }
  return files;
}

async function writeProfileSchemas() {
  const files = await deriveAgUiSchemas();
  await mkdir(join(PROFILE_DIR, 'defs'), { recursive: true });
  // Files of types the protocol no longer has must go, or they would still be checked.
  for (const file of (await committedSchemas()).keys()) {
    if (!files.has(file)) await rm(join(PROFILE_DIR, file));
  }
  for (const [file, text] of files) await writeFile(join(PROFILE_DIR, file), text);
  console.log(`wrote ${files.size} schema files to ${PROFILE_DIR}`);
}

async function checkProfileSchemas() {
  const derived = await deriveAgUiSchemas();
  const committed = await committedSchemas();
  const differing = [...new Set([...derived.keys(), ...committed.keys()])].filter(
    (file) => derived.get(file) !== committed.get(file),
  );
  for (const file of differing) {
    const why = !committed.has(file) ? 'missing' : !derived.has(file) ? 'not derived' : 'differs';
    console.log(`${why}: profiles/ag-ui/${file}`);
  }
  if (differing.length > 0) {
    console.log('run `npm run derive:ag-ui` to derive them again');
    process.exitCode = 1;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await (process.argv.includes('--check') ? checkProfileSchemas() : writeProfileSchemas());
}
