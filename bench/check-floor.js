// The floor for `ws-validate check`: read an NDJSON file line by line (node:readline over
// fs.createReadStream), JSON.parse each line and run a precompiled ajv validator chosen by type.
//
//   node bench/check-floor.js <file.ndjson> [profile-dir]
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, URL } from 'node:url';

import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule.default ?? addFormatsModule;

/** Compiles every `*.schema.json` of `dir` and its `defs/` with one Ajv2020 instance; returns type -> validator. */
export function compileValidators(dir) {
  // The options ws-validate compiles its contract with, so both sides run the same generated code.
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictTypes: false,
    strictTuples: false,
    allowUnionTypes: true,
    verbose: true,
    logger: false,
  });
  addFormats(ajv);
  const read = (folder) =>
    readdirSync(folder)
      .filter((name) => name.endsWith('.schema.json'))
      .sort()
      .map((name) => JSON.parse(readFileSync(join(folder, name), 'utf8')));
  const schemas = read(dir);
  const defs = existsSync(join(dir, 'defs')) ? read(join(dir, 'defs')) : [];
  for (const schema of [...schemas, ...defs]) ajv.addSchema(schema);
  const validators = new Map();
  for (const schema of schemas) {
    const type = schema.properties?.type?.const;
    if (typeof type === 'string') validators.set(type, ajv.compile(schema));
  }
  return validators;
}

/** Reads, parses and validates every line of `file`; resolves with the counts. */
export async function checkFloor(file, validators) {
  let frames = 0;
  let valid = 0;
  let invalid = 0;
  let unchecked = 0;
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.length === 0) continue;
    frames += 1;
    let frame;
    try {
      frame = JSON.parse(line);
    } catch {
      invalid += 1;
      continue;
    }
    const validate = validators.get(frame?.type);
    if (validate === undefined) unchecked += 1;
    else if (validate(frame)) valid += 1;
    else invalid += 1;
  }
  return { frames, valid, invalid, unchecked };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, dir = fileURLToPath(new URL('../profiles/canonical/', import.meta.url))] =
    process.argv.slice(2);
  const started = performance.now();
  const validators = compileValidators(dir);
  const counts = await checkFloor(file, validators);
  console.log(JSON.stringify({ ...counts, ms: Math.round(performance.now() - started) }));
}
