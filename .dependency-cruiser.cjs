// The boundaries between the parts of src/ (see "Layout" in the README), checked by `npm test`.
// A crossing fails with the file and the import that broke the rule.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Modules import each other in one direction only.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'contract-is-pure',
      severity: 'error',
      comment:
        'contract/ judges frames: it knows nothing of sockets, the command line, reports, runs or settings.',
      from: { path: '^src/contract/' },
      to: { path: '^src/(session|cli|report|run|settings|server|auth|transcript)/' },
    },
    {
      name: 'server-stands-alone',
      severity: 'error',
      comment:
        'The reference server is written from the protocol, not from the validator: it must be able to disagree with it.',
      from: { path: '^src/server/' },
      to: { path: '^src/', pathNot: '^src/server/' },
    },
    {
      name: 'session-returns-contract-types-only',
      severity: 'error',
      comment: 'session/ is the WebSocket client; of contract/ it uses only the types it returns.',
      from: { path: '^src/session/' },
      to: { path: '^src/contract/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'session-knows-no-reports-or-cli',
      severity: 'error',
      from: { path: '^src/session/' },
      to: { path: '^src/(report|cli|run|settings)/' },
    },
    {
      name: 'report-renders-data-only',
      severity: 'error',
      comment: 'report/ renders reports; it never opens sessions or starts runs.',
      from: { path: '^src/report/' },
      to: { path: '^src/(session|run|cli|server)/' },
    },
    {
      name: 'library-knows-no-cli',
      severity: 'error',
      comment:
        "The library API (index.ts, api/) runs in its caller's process: it never parses argv, prints or exits.",
      from: { path: '^src/(api/|index\\.ts$)' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'the-library-is-a-leaf',
      severity: 'error',
      comment:
        'The command line and the library are two doors to the same parts; neither goes through the other.',
      from: { path: '^src/', pathNot: '^src/(api/|index\\.ts$)' },
      to: { path: '^src/(api/|index\\.ts$)' },
    },
    {
      name: 'only-cli-uses-commander',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: 'node_modules/commander/' },
    },
    {
      name: 'only-session-and-server-use-ws',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(session|server)/' },
      to: { path: 'node_modules/(@types/)?ws/' },
    },
    {
      name: 'only-the-spinner-uses-ora',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/spinner\\.ts$' },
      to: { path: 'node_modules/ora/' },
    },
    {
      name: 'only-cli-imports-process',
      severity: 'error',
      comment: 'The global `process` is restricted by ESLint; its module form is restricted here.',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^(node:)?process$' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
