// @ts-check
// Import-cycle check (`npm run lint`): `depcruise src test bench --config .dependency-cruiser.cjs`.
// Layer walls (who may import whom) live in eslint.config.mjs; this file only keeps the graph acyclic.
'use strict';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Modules that import each other (directly or through others) cannot be loaded, tested or moved apart. ' +
        'Move what both need one layer down (features → workbench → aws → shared), or pass it in.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      comment: 'An import that cannot be resolved is an edge the cycle check cannot see.',
      from: {},
      to: { couldNotResolve: true, pathNot: '^vscode$' },
    },
  ],
  options: {
    // Type-only imports count: a cycle through `import type` still ties the modules together.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    // Fixture projects stand for users' code: their imports resolve only at run time (layers on NODE_PATH).
    exclude: { path: '^(node_modules|out|dist|\\.vscode-test|test-results|test/fixtures/projects)/' },
    skipAnalysisNotInRules: true,
  },
};
