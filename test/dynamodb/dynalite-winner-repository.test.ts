import { afterAll, beforeAll } from 'vitest';
import { testWinnerRepositoryContract } from '../contracts/winner-repository.contract.ts';
import type { TestDynamoDbServer } from '../support/dynamo-servers.ts';
import { startDynaliteServer } from '../support/dynamo-servers.ts';
import {
  dynamoDbRepositoryFactory,
  testDynamoDbWinnerRepository,
} from './dynamodb-winner-repository.behaviour.ts';

let server: TestDynamoDbServer;
beforeAll(async () => {
  server = await startDynaliteServer();
});
afterAll(() => server?.stop());

const endpoint = () => server.endpoint;
testWinnerRepositoryContract(
  'DynamoDB adapter on dynalite (embedded store)',
  dynamoDbRepositoryFactory(endpoint),
);
testDynamoDbWinnerRepository('dynalite (embedded store)', endpoint);
