import { afterAll, beforeAll } from 'vitest';
import { testMarketStoreContract } from '../contracts/market-board-repository.contract.ts';
import type { TestDynamoDbServer } from '../support/dynamo-servers.ts';
import { startDynaliteServer } from '../support/dynamo-servers.ts';
import { dynamoDbMarketStoreFactory, testDynamoDbMarketStores } from './dynamodb-market-store.behaviour.ts';

let server: TestDynamoDbServer;
beforeAll(async () => {
  server = await startDynaliteServer();
});
afterAll(() => server?.stop());

const endpoint = () => server.endpoint;
testMarketStoreContract(
  'DynamoDB adapters on dynalite (embedded store)',
  dynamoDbMarketStoreFactory(endpoint),
);
testDynamoDbMarketStores('dynalite (embedded store)', endpoint);
