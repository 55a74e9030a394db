import { archivableSessions } from './bar-archive.ts';
import { previousSession } from './calendar.ts';
import type { DailyBar, DataSource } from './movers.ts';
import type { ArchivedBar, BarArchive, FetchedSession } from './ports/bar-archive.ts';
import type { Clock } from './ports/clock.ts';
import type {
  FetchPlan,
  QuoteBatch,
  QuoteRequest,
  StockQuoteProvider,
  UndeliveredSession,
} from './ports/stock-quote-provider.ts';
import type { UnreadableSession } from './ports/winner-repository.ts';
import { BARS_PER_CHUNK, STORED_CLOSE_MAX_GAP } from './use-cases/sync-winners.ts';

export interface ArchivingSettings {
  /** Every ticker of every watchlist: a fetch covers them all, so one fetch serves every list. */
  readonly universe: readonly string[];
  /** Bars (tickers x sessions) per request to the inner provider, so memory stays flat; default BARS_PER_CHUNK. */
  readonly barsPerFetch?: number;
  /** Told of archived fetches that could not be read back (they are fetched again). */
  readonly onUnreadable?: (unreadable: readonly UnreadableSession[]) => void;
}

/** What a request needs from the inner provider, after the archive was read. */
interface Survey {
  /** Sessions whose bars the request needs, ascending: the requested ones and, for close-to-close, each previous one. */
  readonly needed: readonly string[];
  readonly archived: readonly ArchivedBar[];
  /** Requests to the inner provider, none when the archive holds everything. */
  readonly fetches: readonly QuoteRequest[];
  readonly plans: readonly FetchPlan[];
}

/** Shared by a provider and those derived from it, so one run has one count. */
interface FetchTally {
  fetches: number;
  calls: number;
}

/** Why an asked-for session was not archived: the inner provider did not deliver it, or it held no bar. */
export type Unarchived = UndeliveredSession | { readonly session: string; readonly kind: 'empty' };

interface Fetched {
  readonly bars: readonly ArchivedBar[];
  readonly undelivered: readonly UndeliveredSession[];
  readonly unarchived: ReadonlyMap<string, Unarchived>;
}

/**
 * A StockQuoteProvider that fetches each (ticker, session) at most once, however many watchlists hold the
 * ticker. A request is served from the BarArchive where it can; for the sessions where any requested
 * ticker was never fetched, the inner provider is asked about every tracked ticker not yet archived for
 * them, so one fetch serves every list, and what it delivers is archived. When the archive holds
 * everything, no call is made and the plan says 0 calls.
 *
 * Sessions the inner provider did not deliver (not yet published, failed) are never archived, so a later
 * run asks again. Nor are the newest sessions of a fetch that came back without a bar: they cannot be
 * told from sessions not published yet. Bars archived by different fetches may carry different split adjustments (the upstream adjusts its
 * whole history when a split takes effect), so for close-to-close a session and its previous session from
 * different fetches are checked as SyncWinners checks stored closes (STORED_CLOSE_MAX_GAP): where an open
 * gaps from the previous close, both sessions are fetched again together and the new fetch supersedes.
 */
export class ArchivingQuoteProvider implements StockQuoteProvider {
  readonly source: DataSource;
  private readonly universe: readonly string[];
  private readonly barsPerFetch: number;

  constructor(
    private readonly inner: StockQuoteProvider,
    private readonly archive: BarArchive,
    private readonly clock: Clock,
    private readonly settings: ArchivingSettings,
    /** Sessions this run already asked for and did not archive: not asked for again. */
    private readonly unarchived: ReadonlyMap<string, Unarchived> = new Map(),
    private readonly tally: FetchTally = { fetches: 0, calls: 0 },
  ) {
    this.source = inner.source;
    this.universe = [...new Set(settings.universe)];
    this.barsPerFetch = settings.barsPerFetch ?? BARS_PER_CHUNK;
  }

  /** This provider for the rest of a run that found `unarchived`: those sessions are not asked for again. */
  knowing(unarchived: ReadonlyMap<string, Unarchived>): ArchivingQuoteProvider {
    const known = new Map([...this.unarchived, ...unarchived]);
    return new ArchivingQuoteProvider(this.inner, this.archive, this.clock, this.settings, known, this.tally);
  }

  /** The inner provider's calls made so far by this provider (and those derived from it), as planned. */
  get callsMade(): number {
    return this.tally.calls;
  }

  /**
   * Fetches and archives what `request` lacks, keeping no bars: a run over many watchlists fills the
   * archive once, then each list reads it. Returns the sessions asked for and not archived (pass them
   * to `knowing`).
   */
  async archiveMissing(request: QuoteRequest): Promise<ReadonlyMap<string, Unarchived>> {
    const survey = await this.survey(request);
    return (await this.fetchAndRecord(survey.fetches, new Set())).unarchived;
  }

  async plan(request: QuoteRequest): Promise<FetchPlan> {
    const { fetches, plans, needed } = await this.survey(request);
    if (fetches.length === 0) {
      return {
        strategy: 'archive',
        calls: 0,
        description: `every bar of ${needed.length} sessions is archived: no call`,
      };
    }
    const calls = plans.reduce((sum, plan) => sum + plan.calls, 0);
    const strategies = new Set(plans.map((plan) => plan.strategy));
    const first = plans[0] as FetchPlan;
    return {
      strategy: strategies.size === 1 ? first.strategy : 'mixed',
      calls,
      description:
        `${calls} calls for what the archive lacks (${fetches.length} requests over the tracked tickers); ` +
        `the first: ${first.description}`,
    };
  }

  async fetchDailyBars(request: QuoteRequest): Promise<QuoteBatch> {
    const survey = await this.survey(request);
    const wanted = new Set(request.symbols);
    const fresh = await this.fetchAndRecord(survey.fetches, wanted);
    const bars = new Map<string, ArchivedBar>();
    for (const bar of [...survey.archived, ...fresh.bars]) bars.set(keyOf(bar), bar);
    const undelivered = [...fresh.undelivered];
    for (const session of survey.needed) {
      const known = this.unarchived.get(session);
      if (known && known.kind !== 'empty') undelivered.push(known);
    }
    if (request.includePreviousSession) {
      const refetch = sessionsToRefetch(request, bars);
      if (refetch.length > 0) {
        const again = await this.fetchAndRecord(this.slices(this.fetchSymbols(request), refetch), wanted);
        for (const bar of again.bars) bars.set(keyOf(bar), bar);
        undelivered.push(...again.undelivered);
      }
    }
    const neededSessions = new Set(survey.needed);
    return {
      bars: [...bars.values()]
        .filter((bar) => neededSessions.has(bar.session))
        .map(({ fetchId: _fetchId, ...bar }) => bar),
      undelivered: attributeToRequested(request, undelivered),
    };
  }

  private async survey(request: QuoteRequest): Promise<Survey> {
    const needed = neededSessions(request);
    const first = needed[0];
    const last = needed[needed.length - 1];
    if (first === undefined || last === undefined || request.symbols.length === 0) {
      return { needed, archived: [], fetches: [], plans: [] };
    }
    const archived = await this.archive.read(this.source, first, last, request.symbols);
    if (archived.unreadable.length > 0) this.settings.onUnreadable?.(archived.unreadable);
    const fetchSymbols = this.fetchSymbols(request);
    const missingBySymbols = new Map<string, { symbols: string[]; sessions: string[] }>();
    for (const session of needed) {
      if (this.unarchived.has(session)) continue;
      const covered = archived.covered.get(session);
      if (request.symbols.every((symbol) => covered?.has(symbol))) continue;
      const symbols = fetchSymbols.filter((symbol) => !covered?.has(symbol));
      const key = symbols.join(',');
      const group = missingBySymbols.get(key) ?? { symbols, sessions: [] };
      group.sessions.push(session);
      missingBySymbols.set(key, group);
    }
    const groups = [...missingBySymbols.values()];
    if (groups.length === 0) return { needed, archived: archived.bars, fetches: [], plans: [] };
    // Fetching each group of sessions for just its missing tickers, or all of them at once for every
    // ticker missing anywhere: the inner provider prices both, and the cheaper one is what is run.
    const perGroup = groups.flatMap((group) => this.slices(group.symbols, group.sessions));
    const together = this.slices(
      [...new Set(groups.flatMap((group) => group.symbols))],
      groups.flatMap((group) => group.sessions).sort(),
    );
    const [groupPlans, togetherPlans] = await Promise.all([this.plansOf(perGroup), this.plansOf(together)]);
    const useGroups = callsOf(groupPlans) < callsOf(togetherPlans);
    return {
      needed,
      archived: archived.bars,
      fetches: useGroups ? perGroup : together,
      plans: useGroups ? groupPlans : togetherPlans,
    };
  }

  private plansOf(fetches: readonly QuoteRequest[]): Promise<FetchPlan[]> {
    return Promise.all(fetches.map((fetch) => this.inner.plan(fetch)));
  }

  /** The tracked tickers and any requested ticker no list tracks yet. */
  private fetchSymbols(request: QuoteRequest): string[] {
    return [...new Set([...this.universe, ...request.symbols])].sort();
  }

  /** Requests for `symbols` over `sessions`, each within the bar budget. */
  private slices(symbols: readonly string[], sessions: readonly string[]): QuoteRequest[] {
    const perSlice = Math.max(1, Math.floor(this.barsPerFetch / Math.max(1, symbols.length)));
    const slices: QuoteRequest[] = [];
    for (let start = 0; start < sessions.length; start += perSlice) {
      slices.push({
        symbols,
        sessions: sessions.slice(start, start + perSlice),
        includePreviousSession: false,
      });
    }
    return slices;
  }

  /** Runs the fetches as one fetch (one id), archives what they delivered and keeps the `wanted` tickers' bars. */
  private async fetchAndRecord(
    fetches: readonly QuoteRequest[],
    wanted: ReadonlySet<string>,
  ): Promise<Fetched> {
    if (fetches.length === 0) return { bars: [], undelivered: [], unarchived: new Map() };
    // Time orders fetches between runs; the count orders those within one run (a fixed clock in tests).
    const fetchId = `${this.clock.now().toISOString()}#${String(this.tally.fetches++).padStart(6, '0')}`;
    const bars: ArchivedBar[] = [];
    const undelivered: UndeliveredSession[] = [];
    const unarchived = new Map<string, Unarchived>();
    for (const fetch of fetches) {
      this.tally.calls += (await this.inner.plan(fetch)).calls;
      const batch = await this.inner.fetchDailyBars(fetch);
      undelivered.push(...batch.undelivered);
      const recorded = new Set(await this.record(fetch, batch, fetchId));
      for (const session of fetch.sessions) {
        if (!recorded.has(session)) unarchived.set(session, { session, kind: 'empty' });
      }
      for (const entry of batch.undelivered) unarchived.set(entry.session, entry);
      for (const bar of batch.bars) if (wanted.has(bar.symbol)) bars.push({ ...bar, fetchId });
    }
    return { bars, undelivered, unarchived };
  }

  /** Archives the delivered sessions of one fetch, but for trailing ones without a bar; returns those archived. */
  private async record(fetch: QuoteRequest, batch: QuoteBatch, fetchId: string): Promise<string[]> {
    const lost = new Set(batch.undelivered.map((entry) => entry.session));
    const asked = new Set(fetch.symbols);
    const bySession = new Map<string, DailyBar[]>();
    for (const bar of batch.bars) {
      if (!asked.has(bar.symbol)) continue;
      const bars = bySession.get(bar.session);
      if (bars) bars.push(bar);
      else bySession.set(bar.session, [bar]);
    }
    // A session without a bar may not be published yet, unless a later one of the same fetch has bars.
    const latestWithBars = [...bySession.keys()].sort().at(-1) ?? '';
    const delivered: FetchedSession[] = fetch.sessions.flatMap((session) => {
      if (lost.has(session) || session > latestWithBars) return [];
      return [{ session, tickers: fetch.symbols, bars: bySession.get(session) ?? [] }];
    });
    if (delivered.length > 0) await this.archive.record(this.source, fetchId, archivableSessions(delivered));
    return delivered.map((fetched) => fetched.session);
  }
}

function keyOf(bar: DailyBar): string {
  return `${bar.session}#${bar.symbol}`;
}

function callsOf(plans: readonly FetchPlan[]): number {
  return plans.reduce((sum, plan) => sum + plan.calls, 0);
}

function neededSessions(request: QuoteRequest): string[] {
  const sessions = new Set(request.sessions);
  if (request.includePreviousSession) {
    for (const session of request.sessions) sessions.add(previousSession(session));
  }
  return [...sessions].sort();
}

/**
 * Sessions to fetch again, with their previous sessions: those where a requested ticker's bar and its
 * previous bar came from different fetches and the open gaps from the previous close beyond
 * STORED_CLOSE_MAX_GAP (a split adjusted in one fetch and not yet in the other, or a real gap, which
 * costs one refetch once: the refetched pair is one fetch from then on).
 */
function sessionsToRefetch(request: QuoteRequest, bars: ReadonlyMap<string, ArchivedBar>): string[] {
  const refetch = new Set<string>();
  for (const session of request.sessions) {
    const previous = previousSession(session);
    for (const symbol of request.symbols) {
      const bar = bars.get(`${session}#${symbol}`);
      const before = bars.get(`${previous}#${symbol}`);
      if (!bar || !before || bar.fetchId === before.fetchId) continue;
      if (!(bar.open > 0 && before.close > 0)) continue;
      if (Math.abs(bar.open / before.close - 1) > STORED_CLOSE_MAX_GAP) {
        refetch.add(session).add(previous);
      }
    }
  }
  return [...refetch].sort();
}

/** Undelivered entries named by requested sessions only: a lost previous session fails the session after it. */
function attributeToRequested(
  request: QuoteRequest,
  undelivered: readonly UndeliveredSession[],
): UndeliveredSession[] {
  const requested = new Set(request.sessions);
  const bySession = new Map<string, UndeliveredSession>();
  for (const entry of undelivered) {
    if (requested.has(entry.session) && !bySession.has(entry.session)) bySession.set(entry.session, entry);
  }
  if (request.includePreviousSession) {
    const lost = new Map(undelivered.map((entry) => [entry.session, entry] as const));
    for (const session of request.sessions) {
      const previous = lost.get(previousSession(session));
      if (previous && !bySession.has(session)) bySession.set(session, { ...previous, session });
    }
  }
  return [...bySession.values()].sort((a, b) => (a.session < b.session ? -1 : 1));
}
