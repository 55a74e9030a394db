import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { DynamoDBDocumentClient, PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../core/index.ts';
import type { AppLogger } from '../observability/app-logger.ts';
import { isNamed, toDynamoDbError, WriteLeaseUnavailableError } from './dynamodb-errors.ts';
import { watchlistPartitionKey } from './winners-table.ts';

/** Partitions of write leases start with this: `WRITE_LEASE#WATCHLIST#default`. */
export const WRITE_LEASE_PARTITION_PREFIX = 'WRITE_LEASE#';
/** The sort key of the one item in a lease's partition. */
export const WRITE_LEASE_SORT_KEY = 'LEASE';
/** How long a lease is taken for: tens of seconds, where one write request takes milliseconds. */
export const DEFAULT_WRITE_LEASE_MS = 30_000;
/** First pause of a writer refused the lease; it doubles up to the cap, each jittered down by up to half. */
const FIRST_PAUSE_MS = 25;
const MAX_PAUSE_MS = 1_000;

/**
 * The partition of a watchlist's write lease: its own, not `WATCHLIST#<name>`, so no Query of the list's
 * sessions (latest N, counts, stored ranges) ever meets it.
 */
export function writeLeasePartitionKey(watchlist: string): string {
  return `${WRITE_LEASE_PARTITION_PREFIX}${watchlistPartitionKey(watchlist)}`;
}

export interface DynamoDbWriteLeaseOptions {
  readonly documents: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly watchlist: string;
  readonly clock: Clock;
  readonly logger: AppLogger;
  readonly leaseMs: number;
}

/** A lease this writer holds: `keep` before every write request it sends under it. */
export interface HeldWriteLease {
  /**
   * Returns at once while the lease has more than its margin left; otherwise extends it, which only
   * succeeds if no other writer has taken it since (else WriteLeaseUnavailableError, `lost`).
   */
  keep(): Promise<void>;
}

interface Lease {
  readonly owner: string;
  /** When the lease ends by this writer's clock, measured from before the request that took or extended it. */
  validUntil: number;
  /** The same instant on the monotonic timer (`performance.now()`). */
  validUntilElapsed: number;
}

/**
 * One writer at a time per watchlist: an item `pk = WRITE_LEASE#WATCHLIST#<name>` naming its holder (a
 * random token) and when the lease ends (`expiresAt`, epoch ms by the holder's Clock).
 * - Taking it is a conditional PutItem, `attribute_not_exists(pk) OR expiresAt < :now`: free, or ended.
 *   A writer refused waits with a growing, jittered pause and tries again, for a little over one lease
 *   length in all; a holder that crashed is so waited out, since its lease ends by itself.
 * - Releasing it is a DeleteItem on condition that the token is still this writer's. Refused, the
 *   lease was taken over after it ended: logged, not fatal, since the writes were already made.
 * - Why no second writer gets in while the holder writes: the holder counts its lease from the instant
 *   before it asked for it, so the lease ends no earlier than it reckons, and sends a request only while
 *   more than a margin (a third of the lease, 10 s by default) is left, by its Clock and by the time
 *   elapsed since (a monotonic timer, so a step back of its wall clock gains it nothing). Another writer
 *   takes the lease only once its own clock is past `expiresAt`. For the two to overlap, their clocks
 *   would have to differ by more than the margin less the time one request takes (milliseconds; a chunk
 *   of 100 sessions is a handful of requests). A holder whose margin runs short extends the lease with a
 *   Put conditional on its own token, which fails if anyone took the lease in between.
 * - A holder that crashes delays the next writer by at most one lease length.
 */
export class DynamoDbWriteLease {
  private readonly options: DynamoDbWriteLeaseOptions;
  private readonly key: { pk: string; sk: string };
  private readonly marginMs: number;

  constructor(options: DynamoDbWriteLeaseOptions) {
    this.options = options;
    this.key = { pk: writeLeasePartitionKey(options.watchlist), sk: WRITE_LEASE_SORT_KEY };
    this.marginMs = options.leaseMs / 3;
  }

  /** Runs `work` holding the lease, and releases it however `work` ends. */
  async hold<T>(work: (lease: HeldWriteLease) => Promise<T>): Promise<T> {
    const lease = await this.acquire();
    try {
      return await work({ keep: () => this.keep(lease) });
    } finally {
      await this.release(lease);
    }
  }

  private async acquire(): Promise<Lease> {
    const owner = randomUUID();
    // A little over one lease length of pauses in all: long enough to outwait a crashed holder.
    const waitBudgetMs = this.options.leaseMs * 1.25;
    let waitedMs = 0;
    for (let attempt = 0; ; attempt++) {
      const elapsed = performance.now();
      const now = this.options.clock.now().getTime();
      const freeOrEnded = {
        ConditionExpression: 'attribute_not_exists(pk) OR #expiresAt < :now',
        ExpressionAttributeNames: { '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues: { ':now': now },
      };
      if (await this.put(owner, now, freeOrEnded)) {
        return {
          owner,
          validUntil: now + this.options.leaseMs,
          validUntilElapsed: elapsed + this.options.leaseMs,
        };
      }
      if (waitedMs >= waitBudgetMs) {
        throw new WriteLeaseUnavailableError(
          this.options.tableName,
          this.options.watchlist,
          'held',
          this.options.leaseMs,
        );
      }
      const pauseMs = Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** attempt) * (0.5 + Math.random() / 2);
      waitedMs += pauseMs;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }

  private async keep(lease: Lease): Promise<void> {
    const elapsed = performance.now();
    const now = this.options.clock.now().getTime();
    const left = Math.min(lease.validUntil - now, lease.validUntilElapsed - elapsed);
    if (left > this.marginMs) return;
    if (!(await this.put(lease.owner, now, stillHeldBy(lease.owner)))) {
      throw new WriteLeaseUnavailableError(
        this.options.tableName,
        this.options.watchlist,
        'lost',
        this.options.leaseMs,
      );
    }
    lease.validUntil = now + this.options.leaseMs;
    lease.validUntilElapsed = elapsed + this.options.leaseMs;
  }

  /** The lease for `owner` until `now` + the lease length, if `condition` holds; false if refused. */
  private async put(owner: string, now: number, condition: LeaseCondition): Promise<boolean> {
    try {
      await this.options.documents.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: { ...this.key, owner, expiresAt: now + this.options.leaseMs },
          ...condition,
        }),
      );
      return true;
    } catch (error) {
      if (isNamed(error, 'ConditionalCheckFailedException')) return false;
      throw toDynamoDbError(error, this.options.tableName);
    }
  }

  private async release(lease: Lease): Promise<void> {
    try {
      await this.options.documents.send(
        new DeleteCommand({ TableName: this.options.tableName, Key: this.key, ...stillHeldBy(lease.owner) }),
      );
    } catch (error) {
      // The writes are made; a lease not released ends by itself.
      this.options.logger.warn('Write lease not released', {
        table: this.options.tableName,
        watchlist: this.options.watchlist,
        reason: isNamed(error, 'ConditionalCheckFailedException')
          ? 'taken over by another writer after it ended'
          : (error as Error).message,
      });
    }
  }
}

type LeaseCondition = Pick<
  PutCommandInput,
  'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
>;

/** `owner` is a DynamoDB reserved word, so it is named through a placeholder. */
function stillHeldBy(owner: string): LeaseCondition {
  return {
    ConditionExpression: '#owner = :owner',
    ExpressionAttributeNames: { '#owner': 'owner' },
    ExpressionAttributeValues: { ':owner': owner },
  };
}
