import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DynamoDbCredentialsError,
  DynamoDbRequestError,
  DynamoDbThrottledError,
  DynamoDbUnreachableError,
  toDynamoDbError,
} from '../../adapters/dynamodb/dynamodb-errors.ts';
import { DynamoDbWinnerRepository } from '../../adapters/dynamodb/dynamodb-winner-repository.ts';
import { createLocalDynamoDbClient } from '../../adapters/dynamodb/embedded-dynamodb.ts';
import { startDynaliteServer } from '../support/dynamo-servers.ts';

/** No credentials anywhere the SDK's default chain looks: environment, profiles, SSO, instance metadata. */
const NO_CREDENTIALS_ENVIRONMENT: Record<string, string | undefined> = {
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_DEFAULT_PROFILE: undefined,
  AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
  AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
  AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/stock-winners/credentials',
  AWS_CONFIG_FILE: '/nonexistent/stock-winners/config',
  AWS_EC2_METADATA_DISABLED: 'true',
};

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('DynamoDB errors', () => {
  it('says how to provide credentials when the SDK finds none', async () => {
    for (const [name, value] of Object.entries(NO_CREDENTIALS_ENVIRONMENT)) vi.stubEnv(name, value);
    const server = await startDynaliteServer();
    const client = new DynamoDBClient({ region: 'us-east-1', endpoint: server.endpoint, maxAttempts: 1 });
    try {
      const repository = new DynamoDbWinnerRepository({
        client,
        tableName: 'stock-winners',
        watchlist: 'default',
      });

      const error = await repository.latestWinners(7).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(DynamoDbCredentialsError);
      expect(error).toMatchObject({ code: 'DYNAMODB_CREDENTIALS' });
      expect((error as Error).message).toMatch(/AWS_PROFILE/);
      expect((error as Error).message).toMatch(/embedded local store/);
    } finally {
      client.destroy();
      await server.stop();
    }
  });

  it('says the endpoint cannot be reached when nothing listens there', async () => {
    const server = await startDynaliteServer();
    const endpoint = server.endpoint;
    await server.stop();
    const client = createLocalDynamoDbClient(endpoint);
    try {
      const repository = new DynamoDbWinnerRepository({
        client,
        tableName: 'stock-winners',
        watchlist: 'default',
      });

      const error = await repository.get('2026-11-20').catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(DynamoDbUnreachableError);
      expect((error as Error).message).toContain('ECONNREFUSED');
      expect((error as Error).message).toContain('DYNAMODB_ENDPOINT');
    } finally {
      client.destroy();
    }
  });

  it('reports throttling that outlasted the SDK retries, with the attempts made', () => {
    const throttled = new ProvisionedThroughputExceededException({
      message: 'The level of configured provisioned throughput for the table was exceeded.',
      $metadata: { httpStatusCode: 400, attempts: 3 },
    });

    const error = toDynamoDbError(throttled, 'stock-winners');

    expect(error).toBeInstanceOf(DynamoDbThrottledError);
    expect(error).toMatchObject({ code: 'DYNAMODB_THROTTLED', tableName: 'stock-winners', attempts: 3 });
    expect(error.message).toContain('after 3 attempts');
    expect(error.cause).toBe(throttled);
  });

  it('tells rejected credentials apart from missing permissions', () => {
    const rejected = Object.assign(new Error('The security token included in the request is invalid.'), {
      name: 'UnrecognizedClientException',
    });
    const forbidden = Object.assign(new Error('User is not authorized to perform: dynamodb:Query'), {
      name: 'AccessDeniedException',
    });

    expect(toDynamoDbError(rejected, 'stock-winners').message).toMatch(/rejected the AWS credentials/);
    expect(toDynamoDbError(forbidden, 'stock-winners').message).toMatch(
      /not allowed to use this DynamoDB table/,
    );
  });

  it('keeps any other failure with its table, name and cause', () => {
    const validation = Object.assign(new Error('One or more parameter values were invalid'), {
      name: 'ValidationException',
    });

    const error = toDynamoDbError(validation, 'stock-winners');

    expect(error).toBeInstanceOf(DynamoDbRequestError);
    expect(error.message).toBe(
      'DynamoDB request on table "stock-winners" failed: ValidationException: One or more parameter values were invalid',
    );
    expect(error.cause).toBe(validation);
  });
});
