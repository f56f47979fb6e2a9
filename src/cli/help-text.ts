import type { CliIo } from './io.js';
import { buildProgram } from './program.js';

export { HELP_FILE } from './main.js';

/** The text `ws-validate --help` prints when stdout is not a terminal (80 columns), for the build to keep beside the bundle. */
export async function renderHelp(): Promise<string> {
  let text = '';
  const io: CliIo = {
    stdout: { write: (chunk: string) => (text += chunk) },
    stderr: { write: () => true },
    env: {},
    cwd: '/',
  };
  try {
    await buildProgram(io, { code: 0 }).parseAsync(['--help'], { from: 'user' });
  } catch {
    // commander ends --help with an exception (exitOverride); the text is written by then.
  }
  return text;
}
