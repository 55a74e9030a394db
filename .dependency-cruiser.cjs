/** Architecture rules: the core is pure, adapters never reach up into the driving edges. */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment:
        'core/ imports only core/: no node: modules, no AWS SDK, no inversify, no HTTP, no other layer.',
      severity: 'error',
      from: { path: '^core/' },
      to: { pathNot: '^core/' },
    },
    {
      name: 'adapters-do-not-import-edges',
      comment: 'adapters/ must not depend on cli/ or infra/.',
      severity: 'error',
      from: { path: '^adapters/' },
      to: { path: '^(cli|infra)/' },
    },
    {
      name: 'production-does-not-import-bench',
      comment: 'bench/ measures production code (meters, baselines); nothing that ships may depend on it.',
      severity: 'error',
      from: { path: '^(core|adapters|cli|infra|web)/' },
      to: { path: '^bench/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      // Types-only imports (@types/aws-lambda, @types/alpinejs for the CSP build): nothing to resolve at run time.
      to: { couldNotResolve: true, pathNot: '^(aws-lambda|alpinejs)$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|cdk\\.out|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
