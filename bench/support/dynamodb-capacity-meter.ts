import { AsyncLocalStorage } from 'node:async_hooks';
import type { ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SaveOutcome, SessionResult, WinnerRepository, WinnerRows } from '../../core/index.ts';

export type RepositoryOperation = keyof WinnerRepository;

/** What one repository call cost, summed over its requests, as DynamoDB reported it. */
export interface ConsumedCapacityReport {
  readonly operation: RepositoryOperation;
  readonly capacityUnits: number;
  readonly requests: number;
}

/** The requests that take `ReturnConsumedCapacity`; any other (DescribeTable) is sent unchanged. */
const METERED_COMMANDS = new Set([
  'GetItemCommand',
  'PutItemCommand',
  'QueryCommand',
  'ScanCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'BatchGetItemCommand',
]);

interface CallCost {
  capacityUnits: number;
  requests: number;
}

/** The repository call a request belongs to: calls may overlap, so each carries its own tally. */
const callInProgress = new AsyncLocalStorage<CallCost>();
const meteredClients = new WeakSet<DynamoDBClient>();

/**
 * A repository whose every call reports what it cost in DynamoDB capacity (benchmarks, and the tests
 * that hold reads to a budget). The production repository knows nothing of it: a middleware on the
 * client asks each request of a metered call for `ReturnConsumedCapacity: TOTAL` and adds up what the
 * responses report; requests outside a metered call are sent as they are.
 */
export function meterConsumedCapacity(
  repository: WinnerRepository,
  client: DynamoDBClient,
  onReport: (report: ConsumedCapacityReport) => void,
): WinnerRepository {
  addMeterMiddleware(client);
  const metered = async <T>(operation: RepositoryOperation, call: () => Promise<T>): Promise<T> => {
    const cost: CallCost = { capacityUnits: 0, requests: 0 };
    try {
      return await callInProgress.run(cost, call);
    } finally {
      onReport({ operation, ...cost });
    }
  };
  return {
    save: (result: SessionResult, options?: { overwrite?: boolean }): Promise<SaveOutcome> =>
      metered('save', () => repository.save(result, options)),
    saveMany: (results: readonly SessionResult[], options?: { overwrite?: boolean }) =>
      metered('saveMany', () => repository.saveMany(results, options)),
    get: (date: string) => metered('get', () => repository.get(date)),
    latestWinners: (limit: number, onOrBefore?: string): Promise<WinnerRows> =>
      metered('latestWinners', () => repository.latestWinners(limit, onOrBefore)),
    storedSessions: (from: string, to: string) =>
      metered('storedSessions', () => repository.storedSessions(from, to)),
    countSessions: () => metered('countSessions', () => repository.countSessions()),
  };
}

/** What one call (any reads through `client`) cost: for stores other than the winners' (the market board). */
export async function meterCall<T>(
  client: DynamoDBClient,
  call: () => Promise<T>,
): Promise<{ readonly value: T } & CallCost> {
  addMeterMiddleware(client);
  const cost: CallCost = { capacityUnits: 0, requests: 0 };
  const value = await callInProgress.run(cost, call);
  return { value, ...cost };
}

function addMeterMiddleware(client: DynamoDBClient): void {
  if (meteredClients.has(client)) return;
  meteredClients.add(client);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const cost = callInProgress.getStore();
      if (!cost || !METERED_COMMANDS.has(String(context.commandName))) return next(args);
      const response = await next({ ...args, input: { ...args.input, ReturnConsumedCapacity: 'TOTAL' } });
      const reported = (response.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] })
        .ConsumedCapacity;
      cost.requests += 1;
      for (const entry of [reported ?? []].flat()) cost.capacityUnits += entry.CapacityUnits ?? 0;
      return response;
    },
    { step: 'initialize', name: 'meterConsumedCapacity' },
  );
}
