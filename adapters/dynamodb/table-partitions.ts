import type { DataSource } from '../../core/index.ts';
import { barArchivePartitionKey } from './dynamodb-bar-archive.ts';
import { MARKET_PARTITION_KEY, TICKER_REFERENCE_PARTITION_KEY } from './market-board-item.ts';
import { writeLeasePartitionKey } from './dynamodb-write-lease.ts';
import { watchlistPartitionKey } from './winners-table.ts';

/**
 * The partitions of the winners table, by what they hold, named by the adapters that write them: the
 * CDK stack confines each function to these (IAM `dynamodb:LeadingKeys`) without restating a key.
 */
export interface TablePartitions {
  /** `WATCHLIST#<name>`: one per list, its sessions' rankings. */
  readonly watchlists: readonly string[];
  /** `WRITE_LEASE#WATCHLIST#<name>`: one per list, the lease its session writers take in turn. */
  readonly writeLeases: readonly string[];
  /** `BARS#<source>`: the bars fetched from that source, shared by every list. */
  readonly barArchive: string;
  /** `MARKET`: the market board of each session. */
  readonly market: string;
  /** `TICKER_REFERENCE`: the cached ticker types and names. */
  readonly tickerReference: string;
}

export function tablePartitions(watchlistNames: readonly string[], source: DataSource): TablePartitions {
  return {
    watchlists: watchlistNames.map(watchlistPartitionKey),
    writeLeases: watchlistNames.map(writeLeasePartitionKey),
    barArchive: barArchivePartitionKey(source),
    market: MARKET_PARTITION_KEY,
    tickerReference: TICKER_REFERENCE_PARTITION_KEY,
  };
}
