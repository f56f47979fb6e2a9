// Writes report.schema.json at the package root: the JSON Schema of the --json report (see
// src/report/report-schema.ts).
import { writeFile } from 'node:fs/promises';
import { buildReportSchema, REPORT_SCHEMA_FILE } from '../dist/report-schema.js';

await writeFile(
  new URL(`../${REPORT_SCHEMA_FILE}`, import.meta.url),
  `${JSON.stringify(buildReportSchema(), null, 2)}\n`,
);
