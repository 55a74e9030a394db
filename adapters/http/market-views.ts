import type { MarketBoard, MarketBoardsList, MarketFilters, MarketMover } from '../../core/index.ts';
import { sessionCloseTime } from '../../core/index.ts';
import type { MarketMoverRecord, MarketMoversResponse, MarketSessionRecord } from './api-contract.ts';
import { round2, sourceOf } from './movers-views.ts';

/** The body of `GET /market/movers`, which `stocks-cli market --json` prints too. */
export function marketMoversView(
  days: number,
  list: MarketBoardsList,
  filters: MarketFilters,
): MarketMoversResponse {
  return {
    range: `last_${days}_days`,
    days,
    count: list.boards.length,
    data: list.boards.map(marketSessionView),
    missing: list.missing,
    unreadable: list.unreadable,
    sessions: list.sessions,
    asOf: list.asOf,
    // The close of the as-of session: stable for a given answer, so the ETag only changes with the data.
    asOfTime: sessionCloseTime(list.asOf).toISOString(),
    filters,
    source: sourceOf(list.boards),
  };
}

/** The body of `GET /market/movers/{date}`: one stored board, with the filters it was chosen with. */
export function marketSessionView(board: MarketBoard): MarketSessionRecord {
  return {
    date: board.date,
    gainers: board.gainers.map(marketMoverView),
    losers: board.losers.map(marketMoverView),
    universeSize: board.universeSize,
    filters: board.filters,
    basis: board.basis,
    source: board.source,
  };
}

function marketMoverView(mover: MarketMover): MarketMoverRecord {
  return {
    symbol: mover.symbol,
    ...(mover.name !== undefined && { name: mover.name }),
    changePercent: round2(mover.changePercent),
    open: mover.open,
    close: mover.close,
    volume: mover.volume,
    dollarVolume: Math.round(mover.dollarVolume),
  };
}
