// Writes the top-level --help text beside the bundle, so that `ws-validate --help` (80 columns, the
// width of any output that is not a terminal) needs no argument parser at start-up.
import { writeFile } from 'node:fs/promises';
import { HELP_FILE, renderHelp } from '../dist/help.js';

await writeFile(new URL(`../dist/${HELP_FILE}`, import.meta.url), await renderHelp());
