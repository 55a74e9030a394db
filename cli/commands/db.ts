import type { Command } from 'commander';
import { DEFAULT_TABLE_NAME } from '../../adapters/config/app-config.ts';
import { createDynamoDbClient } from '../../adapters/composition/container.ts';
import { startEmbeddedDynamoDb } from '../../adapters/dynamodb/embedded-dynamodb.ts';
import { ensureWinnersTable } from '../../adapters/dynamodb/winners-table.ts';
import { configFrom, type GlobalOptions } from '../runtime.ts';
import { UsageError } from '../output.ts';

interface DbOptions extends GlobalOptions {
  port: string;
}

export function registerDb(program: Command): void {
  program
    .command('db')
    .description(
      'Run the embedded store as a standalone DynamoDB endpoint, to inspect it with any DynamoDB client.',
    )
    .option('--port <port>', 'port to listen on', '8000')
    .addHelpText(
      'after',
      `\nExamples:\n  $ stocks-cli db --port 8000\n  $ aws dynamodb query --endpoint-url http://localhost:8000 --table-name ${DEFAULT_TABLE_NAME} \\\n      --key-condition-expression 'pk = :pk' --expression-attribute-values '{":pk":{"S":"WATCHLIST#default"}}'\n  $ DYNAMODB_ENDPOINT=http://localhost:8000 stocks-cli winners`,
    )
    .action(async (_options, command: Command) => {
      const options = command.optsWithGlobals<DbOptions>();
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) {
        throw new UsageError(`--port must be a whole number from 0 to 65535, got "${options.port}".`);
      }
      const config = configFrom(options);
      const store = await startEmbeddedDynamoDb({ dataDir: config.dataDir, port });
      const client = createDynamoDbClient({ ...config, dynamodbEndpoint: store.endpoint });
      await ensureWinnersTable(client, config.tableName ?? DEFAULT_TABLE_NAME);
      client.destroy();
      process.stdout.write(
        `DynamoDB endpoint ${store.endpoint} (table ${config.tableName ?? DEFAULT_TABLE_NAME}, data in ${config.dataDir}). Ctrl-C to stop.\n`,
      );
      const shutdown = () => void store.close().then(() => process.exit(0));
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}
