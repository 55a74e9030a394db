import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'cdk.out/',
      'web/dist/',
      'dist/',
      'coverage/',
      'test-artifacts/',
      '.stocks-data/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['web/src/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Belt and braces with dependency-cruiser: the core never reads the wall clock.
    files: ['core/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Time comes from the Clock port.',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Time comes from the Clock port.',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'The core is deterministic.',
        },
      ],
    },
  },
  {
    // One DynamoDB client factory: every client is built (and configured for AWS, an endpoint or the
    // embedded store) in adapters/dynamodb/dynamodb-client.ts. Types may be imported anywhere.
    files: ['core/**', 'adapters/**', 'cli/**', 'infra/**', 'web/**'],
    ignores: ['adapters/dynamodb/dynamodb-client.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@aws-sdk/client-dynamodb',
              importNames: ['DynamoDBClient', 'DynamoDB'],
              allowTypeImports: true,
              message:
                'Build DynamoDB clients with createDynamoDbClient (adapters/dynamodb/dynamodb-client.ts).',
            },
          ],
        },
      ],
    },
  },
);
