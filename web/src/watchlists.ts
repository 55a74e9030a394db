import type { WatchlistRecord, WatchlistsResponse } from '../../adapters/http/api-contract.ts';
import { plural } from './format.ts';

/** The two boards the page shows: a watchlist's winners, or the whole market's gainers and losers. */
export type View = 'board' | 'market';

/** The names `GET /watchlists/{name}` accepts (lowercase letters, digits and `-`); anything else is ignored. */
const LIST_NAME = /^[a-z0-9-]{1,64}$/;

/** The list the address names with `?list=`; '' means the default list (the one `GET /movers` shows). */
export function listFromSearch(search: string): string {
  const list = new URLSearchParams(search).get('list') ?? '';
  return LIST_NAME.test(list) ? list : '';
}

export function viewFromSearch(search: string): View {
  return new URLSearchParams(search).get('view') === 'market' ? 'market' : 'board';
}

/** A list's winners: the default list's through `/movers`, the path the page has always asked first. */
export function moversPath(days: number, list: string): string {
  return list === '' ? `/movers?days=${days}` : `/watchlists/${encodeURIComponent(list)}/movers?days=${days}`;
}

/** A list's whole ranking for one session. */
export function sessionPath(date: string, list: string): string {
  const session = encodeURIComponent(date);
  return list === '' ? `/movers/${session}` : `/watchlists/${encodeURIComponent(list)}/movers/${session}`;
}

export function marketPath(days: number): string {
  return `/market/movers?days=${days}`;
}

export function isWatchlistsResponse(body: unknown): body is WatchlistsResponse {
  return (
    typeof body === 'object' &&
    body !== null &&
    Array.isArray((body as { watchlists?: unknown }).watchlists) &&
    (body as { watchlists: unknown[] }).watchlists.every(
      (list) =>
        typeof list === 'object' && list !== null && typeof (list as { name?: unknown }).name === 'string',
    )
  );
}

export interface ListChoice {
  readonly name: string;
  readonly label: string;
  readonly selected: boolean;
}

/** The picker's options, the default list first as the API sends them; `list` '' selects the default. */
export function listChoices(watchlists: readonly WatchlistRecord[], list: string): ListChoice[] {
  return watchlists.map((watchlist) => ({
    name: watchlist.name,
    label: `${watchlist.name} (${plural(watchlist.symbols.length, 'ticker')})`,
    selected: list === '' ? watchlist.isDefault : watchlist.name === list,
  }));
}

/** The `?list=` a chosen list is kept as: none for the default list, so its address stays clean. */
export function listParam(watchlists: readonly WatchlistRecord[], chosen: string): string {
  return watchlists.find((watchlist) => watchlist.name === chosen)?.isDefault ? '' : chosen;
}

/**
 * The page's address for a view, a list and a window: only what differs from the defaults is written,
 * so the board's own address stays `/`.
 */
export function pageSearch(state: { view: View; list: string; days: number; defaultDays: number }): string {
  const params = new URLSearchParams();
  if (state.view === 'market') params.set('view', 'market');
  else if (state.list !== '') params.set('list', state.list);
  if (state.days !== state.defaultDays) params.set('days', String(state.days));
  const search = params.toString();
  return search === '' ? '' : `?${search}`;
}
