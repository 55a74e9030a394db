import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StoreSelection } from '../config/app-config.ts';

/** DynamoDB-compatible servers need credentials in the request, not real ones. */
export const PLACEHOLDER_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** Where a client sends its requests. */
export type DynamoDbTarget =
  | { readonly mode: 'aws'; readonly region: string }
  | { readonly mode: 'endpoint'; readonly endpoint: string; readonly region: string }
  | { readonly mode: 'embedded'; readonly endpoint: string };

/**
 * The one DynamoDB client factory (an architecture rule keeps it the only `new DynamoDBClient`).
 * - `aws`: the SDK's defaults in the configured region.
 * - `endpoint` (DynamoDB Local, LocalStack): the SDK's default credential chain and region
 *   (environment, then profile), as the AWS CLI uses them: DynamoDB Local keeps a separate database
 *   per access key and region, so signing differently from the AWS CLI would silently use another
 *   one. Placeholder credentials only when none resolve; the configured region when none does.
 * - `embedded`: dynalite (this CLI's store, the tests' servers) ignores credentials, so none are looked up.
 */
export function createDynamoDbClient(target: DynamoDbTarget): DynamoDBClient {
  switch (target.mode) {
    case 'aws':
      return new DynamoDBClient({ region: target.region });
    case 'embedded':
      return new DynamoDBClient({
        endpoint: target.endpoint,
        region: 'local',
        credentials: PLACEHOLDER_CREDENTIALS,
      });
    case 'endpoint': {
      // Never sends a request: its config only resolves the SDK's default chains, lazily, at the first request.
      const defaults = new DynamoDBClient({});
      return new DynamoDBClient({
        endpoint: target.endpoint,
        region: () => defaults.config.region().catch(() => target.region),
        credentials: () => defaults.config.credentials().catch(() => PLACEHOLDER_CREDENTIALS),
      });
    }
  }
}

type RemoteStore = Exclude<StoreSelection, { mode: 'embedded' }>;

/** Where the requests for a store that needs no starting go. */
export function remoteTarget(store: RemoteStore): DynamoDbTarget {
  return store.mode === 'aws'
    ? { mode: 'aws', region: store.region }
    : { mode: 'endpoint', endpoint: store.endpoint, region: store.region };
}

/**
 * The client of a store that needs no opening: a table on AWS or a running endpoint (the Lambda
 * functions). The embedded store has to be started first, by `openWinnerStore`.
 */
export function openRemoteStoreClient(store: StoreSelection): DynamoDBClient {
  if (store.mode === 'embedded') {
    throw new TypeError('The embedded store is started by openWinnerStore, which gives its client.');
  }
  return createDynamoDbClient(remoteTarget(store));
}

/**
 * The document client the repositories write through: an absent optional attribute (`previousClose` on
 * the open-to-close basis, a mover's `name`) is left out of the item rather than failing the write.
 */
export function documentClientOf(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
