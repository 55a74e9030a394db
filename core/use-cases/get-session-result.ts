import type { SessionResult } from '../movers.ts';
import type { WinnerRepository } from '../ports/winner-repository.ts';
import { parseSessionDate } from '../session-date.ts';

/** One session's stored result (its whole ranking), or undefined when it is not stored. */
export class GetSessionResult {
  constructor(private readonly repository: WinnerRepository) {}

  async execute(date: string): Promise<SessionResult | undefined> {
    return this.repository.get(parseSessionDate(date));
  }
}
