import type { Basis, DataSource, RankedMover, SessionResult } from '../../core/index.ts';
import { rankMovers } from '../../core/index.ts';

/** `aSessionResult().on('2026-11-20').withMove('TSLA', 100, 85).build()` */
export function aSessionResult(): SessionResultBuilder {
  return new SessionResultBuilder();
}

class SessionResultBuilder {
  private date = '2026-11-20';
  private basis: Basis = 'open-to-close';
  private source: DataSource = 'simulated';
  private computedAt = '2026-11-20T21:30:00.000Z';
  private moves: { symbol: string; open: number; close: number }[] = [
    { symbol: 'AAPL', open: 100, close: 105 },
    { symbol: 'TSLA', open: 100, close: 85 },
    { symbol: 'NVDA', open: 100, close: 112 },
  ];

  on(date: string): this {
    this.date = date;
    return this;
  }

  from(source: DataSource): this {
    this.source = source;
    return this;
  }

  computedAtInstant(iso: string): this {
    this.computedAt = iso;
    return this;
  }

  withMoves(moves: { symbol: string; open: number; close: number }[]): this {
    this.moves = moves;
    return this;
  }

  withSymbols(count: number): this {
    this.moves = Array.from({ length: count }, (_, index) => ({
      symbol: `T${String(index).padStart(3, '0')}`,
      open: 100 + index,
      close: 100 + index * 1.5,
    }));
    return this;
  }

  build(): SessionResult {
    const bars = this.moves.map((move) => ({
      ...move,
      session: this.date,
      high: move.open,
      low: move.close,
      volume: 1,
    }));
    const { winner, ranking, excluded } = rankMovers(bars, this.basis);
    return {
      date: this.date,
      winner: winner as RankedMover,
      ranking,
      excluded,
      basis: this.basis,
      source: this.source,
      computedAt: this.computedAt,
    };
  }
}
