import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RUN_OPTIONS } from '../../src/settings/options.js';
import { SCENARIOS } from '../../src/server/scenarios.js';
import { AG_UI_SCENARIOS } from '../../src/server/ag-ui/scenarios.js';
import { SERVE_OPTIONS } from '../../src/settings/serve-options.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('lists every reference-server scenario in its scenario table, and nothing else', () => {
    const block = readme.slice(
      readme.indexOf('<!-- scenarios -->'),
      readme.indexOf('<!-- /scenarios -->'),
    );
    const listed = [...block.matchAll(/^\| `([a-z0-9_]+)` +\|/gm)].map((m) => m[1]);
    expect(listed).toEqual(SCENARIOS.map((s) => s.name));
  });

  it('lists every AG-UI scenario in its scenario table, and nothing else', () => {
    const block = readme.slice(
      readme.indexOf('<!-- ag-ui-scenarios -->'),
      readme.indexOf('<!-- /ag-ui-scenarios -->'),
    );
    const listed = [...block.matchAll(/^\| `([a-z0-9_]+)` +\|/gm)].map((m) => m[1]);
    expect(listed).toEqual(AG_UI_SCENARIOS.map((s) => s.name));
  });

  it('documents every option of serve in its table, and nothing else', () => {
    const block = readme.slice(
      readme.indexOf('<!-- serve-options -->'),
      readme.indexOf('<!-- /serve-options -->'),
    );
    const listed = [...block.matchAll(/^\| `(--[a-z0-9-]+)/gm)].map((m) => m[1]);
    expect(listed).toEqual(SERVE_OPTIONS.map((o) => /--[a-z0-9-]+/.exec(o.flags)?.[0]));
  });

  it('documents every option of the run command', () => {
    for (const option of RUN_OPTIONS) {
      const long = /--[a-z0-9-]+/.exec(option.flags)?.[0] ?? '';
      expect(readme, long).toMatch(new RegExp(`\`[^\`\n]*${long}\\b`));
    }
  });

  it('shows the two set-up commands', () => {
    expect(readme).toContain('npm ci && npx ws-validate --env embedded');
    expect(readme).toContain('npm ci && npm test');
  });
});
