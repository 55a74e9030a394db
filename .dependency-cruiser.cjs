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
      name: 'dynamodb-sdk-only-in-its-adapter',
      comment:
        'Only adapters/dynamodb/ uses the DynamoDB SDK, so clients come from its one factory (dynamodb-client.ts; ' +
        'eslint keeps `new DynamoDBClient` there). Elsewhere, type-only imports.',
      severity: 'error',
      from: { path: '^(core|adapters|cli|infra|web)/', pathNot: '^adapters/dynamodb/' },
      to: { path: '@aws-sdk/(client-dynamodb|lib-dynamodb)', dependencyTypesNot: ['type-only'] },
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
    exclude: { path: '(^|/)(cdk\\.out|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
