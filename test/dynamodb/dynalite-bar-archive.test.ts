import { afterAll, beforeAll } from 'vitest';
import { testBarArchiveContract } from '../contracts/bar-archive.contract.ts';
import type { TestDynamoDbServer } from '../support/dynamo-servers.ts';
import { startDynaliteServer } from '../support/dynamo-servers.ts';
import { dynamoDbBarArchiveFactory, testDynamoDbBarArchive } from './dynamodb-bar-archive.behaviour.ts';

let server: TestDynamoDbServer;
beforeAll(async () => {
  server = await startDynaliteServer();
});
afterAll(() => server?.stop());

const endpoint = () => server.endpoint;
testBarArchiveContract('DynamoDB adapter on dynalite (embedded store)', dynamoDbBarArchiveFactory(endpoint));
testDynamoDbBarArchive('dynalite (embedded store)', endpoint);
