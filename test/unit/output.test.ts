import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { colorLevel, createOutput, spinnerAllowed } from '../../src/cli/io.js';

function io(options: {
  tty?: boolean;
  columns?: number;
  env?: Record<string, string>;
  sink?: string[];
}): CliIo {
  const sink = options.sink ?? [];
  const stream = {
    write: (text: string) => sink.push(text),
    ...(options.tty === undefined ? {} : { isTTY: options.tty }),
    ...(options.columns === undefined ? {} : { columns: options.columns }),
  };
  return { stdout: stream, stderr: stream, env: options.env ?? {}, cwd: '/' };
}

describe('spinnerAllowed', () => {
  it.each([
    ['a sized terminal', { tty: true, columns: 100 }, false, true],
    ['a terminal that reports no width (a bare pty)', { tty: true, columns: 0 }, false, false],
    ['a terminal without a width at all', { tty: true }, false, false],
    ['a pipe', { tty: false, columns: 100 }, false, false],
    ['CI', { tty: true, columns: 100, env: { CI: 'true' } }, false, false],
    ['machine-readable output', { tty: true, columns: 100 }, true, false],
  ])('%s -> %s', (_, options, machineReadable, allowed) => {
    expect(spinnerAllowed(io(options), machineReadable)).toBe(allowed);
  });
});

describe('colorLevel', () => {
  it.each([
    ['a pipe', { tty: false }, null, 0],
    ['a terminal', { tty: true, columns: 80 }, null, 2],
    ['--no-color on a terminal', { tty: true, columns: 80 }, false, 0],
    ['NO_COLOR on a terminal', { tty: true, columns: 80, env: { NO_COLOR: '1' } }, null, 0],
    ['FORCE_COLOR on a pipe', { tty: false, env: { FORCE_COLOR: '1' } }, null, 1],
  ] as const)('%s -> level %d', (_, options, flag, level) => {
    expect(colorLevel(io(options), flag)).toBe(level);
  });
});

describe('createOutput', () => {
  it('redacts secrets given at the start and learned later, on both streams', () => {
    const sink: string[] = [];
    const out = createOutput(io({ sink }), ['first-secret-value', undefined]);
    out.stdout('a first-secret-value b\n');
    out.addSecret('later-secret-value');
    out.stderr('c later-secret-value d\n');
    expect(sink.join('')).not.toMatch(/first-secret-value|later-secret-value/);
    expect(sink).toHaveLength(2);
  });
});
