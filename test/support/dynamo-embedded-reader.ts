/**
 * Run as its own process by the embedded-store tests: opens the store in a data directory, prints
 * one session's stored result as JSON (`null` when absent), and closes it.
 * Usage: node --import tsx test/support/dynamo-embedded-reader.ts <dataDir> <tableName> <date>
 */
import { DynamoDbWinnerRepository } from '../../adapters/dynamodb/dynamodb-winner-repository.ts';
import {
  createLocalDynamoDbClient,
  startEmbeddedDynamoDb,
} from '../../adapters/dynamodb/embedded-dynamodb.ts';

const [dataDir, tableName, date] = process.argv.slice(2);
if (!dataDir || !tableName || !date)
  throw new Error('usage: dynamo-embedded-reader.ts <dataDir> <tableName> <date>');

const store = await startEmbeddedDynamoDb({ dataDir });
const client = createLocalDynamoDbClient(store.endpoint);
try {
  const repository = new DynamoDbWinnerRepository({ client, tableName, watchlist: 'default' });
  process.stdout.write(`${JSON.stringify((await repository.get(date)) ?? null)}\n`);
} finally {
  client.destroy();
  await store.close();
}
