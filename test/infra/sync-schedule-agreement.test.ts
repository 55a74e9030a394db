import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../adapters/clock/fixed-clock.ts';
import { createContainer } from '../../adapters/composition/container.ts';
import { TOKENS } from '../../adapters/composition/tokens.ts';
import { loadConfig } from '../../adapters/config/app-config.ts';
import { InMemoryWinnerRepository } from '../../adapters/memory/in-memory-winner-repository.ts';
import { nextLocalSync } from '../../cli/commands/serve.ts';
import { nextScheduledSync, SYNC_SETTLE_MINUTES } from '../../core/index.ts';
import { FUNCTION_TIMEOUTS } from '../../infra/house-function.ts';
import { apiGatewayEvent } from '../support/aws-events.ts';
import { dstChangeDays, everyDate, newYorkInstant } from '../core/support/new-york-time.ts';
import { resourcesOfType, synthesizeApp } from './app-fixture.ts';

/**
 * The acceptance test of the one schedule: for a year of instants, the EventBridge cron expressions in the
 * synthesized template (evaluated here against tzdata, sharing no code with the core), the API's
 * Cache-Control max-age (kept briefly while a run may still be writing) and the local server's timer all
 * name the same next sync.
 */

const FROM = '2026-01-01';
const TO = '2026-12-31';
const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const MIN_CACHE_SECONDS = 60;
const SETTLE_MS = SYNC_SETTLE_MINUTES * MINUTE_MS;
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface DeployedSchedule {
  readonly expression: string;
  readonly timeZone: string;
}

/**
 * The fire instants of an EventBridge Scheduler cron expression between two New York dates. Only the
 * form the stack writes is understood (`cron(M H ? * DAYS *)`); anything else fails the test rather
 * than being evaluated wrongly. A wall-clock time that does not exist is skipped and an ambiguous one
 * fires once, at its first occurrence, as the Scheduler documents.
 */
function cronFires({ expression, timeZone }: DeployedSchedule, from: string, to: string): number[] {
  expect(timeZone).toBe('America/New_York');
  const match = /^cron\((\d{1,2}) (\d{1,2}) \? \* ([A-Z,-]+) \*\)$/.exec(expression);
  if (!match) throw new Error(`the test's cron evaluator does not understand ${expression}`);
  const [minute, hour, days] = [Number(match[1]), Number(match[2]), match[3] as string];
  const weekdays = new Set(
    days.split(',').flatMap((part) => {
      const [first, last = first] = part.split('-').map((name) => WEEKDAYS.indexOf(name));
      if (first === undefined || first < 0 || last === undefined || last < first) {
        throw new Error(`unknown day-of-week field ${days}`);
      }
      return Array.from({ length: last - first + 1 }, (_, index) => first + index);
    }),
  );
  const time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
  return everyDate(from, to)
    .filter((date) => weekdays.has(new Date(`${date}T00:00:00Z`).getUTCDay()))
    .flatMap((date) => {
      try {
        return [newYorkInstant(date, time).getTime()];
      } catch {
        return [];
      }
    });
}

/** The deployed schedules, and the sync times the deployed API function is configured with. */
function deployed(context: Record<string, unknown>) {
  const { templates } = synthesizeApp(context);
  const schedules = Object.values(resourcesOfType(templates.services, 'AWS::Scheduler::Schedule')).map(
    ({ Properties }) => ({
      expression: Properties.ScheduleExpression as string,
      timeZone: Properties.ScheduleExpressionTimezone as string,
    }),
  );
  const apiEnvironment = Object.values(resourcesOfType(templates.services, 'AWS::Lambda::Function'))
    .map(({ Properties }) => (Properties.Environment as { Variables: Record<string, string> }).Variables)
    .find((variables) => variables.POWERTOOLS_SERVICE_NAME === 'stock-winners-api');
  return { schedules, apiSyncTimes: apiEnvironment?.SYNC_TIMES_ET as string };
}

/** Hourly at an odd minute through the year, and around every fire: just before, at, and just after it. */
function instantsToCheck(fires: readonly number[]): number[] {
  const start = newYorkInstant(FROM, '00:00').getTime();
  const end = newYorkInstant(TO, '23:59').getTime();
  const hourly = Array.from(
    { length: Math.floor((end - start) / (61 * MINUTE_MS)) },
    (_, index) => start + index * 61 * MINUTE_MS + 17 * SECOND_MS,
  );
  const aroundFires = fires
    .filter((fire) => fire <= end)
    .flatMap((fire) => [
      fire - 2 * MINUTE_MS,
      fire - 30 * SECOND_MS,
      fire - SECOND_MS,
      fire,
      fire + SECOND_MS,
      fire + SETTLE_MS - SECOND_MS,
      fire + SETTLE_MS,
    ]);
  return [...hourly, ...aroundFires].sort((a, b) => a - b);
}

function lastAtOrBefore(fires: readonly number[], instant: number): number {
  return fires.findLast((fire) => fire <= instant) as number;
}

function firstAfter(fires: readonly number[], instant: number): number {
  const next = fires.find((fire) => fire > instant);
  if (next === undefined) throw new Error(`no fire after ${new Date(instant).toISOString()}`);
  return next;
}

describe.each([
  { name: 'the default times (cdk.json and the local defaults)', context: {}, localEnv: {} },
  {
    name: 'three custom times',
    context: { syncTimesEt: '17:05,01:15,06:00' },
    localEnv: { SYNC_TIMES_ET: '17:05,01:15,06:00' },
  },
])('the sync schedule with $name', ({ context, localEnv }) => {
  const { schedules, apiSyncTimes } = deployed(context);
  // Days either side of the year, so the first and last instants checked have a fire before and after.
  const fires = schedules
    .flatMap((schedule) => cronFires(schedule, '2025-12-20', '2027-01-10'))
    .sort((a, b) => a - b);
  const localTimes = loadConfig(localEnv).syncTimesEt;

  it('is deployed as cron schedules in New York time, and the API and the local server run on the same times', () => {
    expect(schedules.length).toBe(localTimes.length);
    expect(apiSyncTimes.split(',')).toEqual(localTimes);
  });

  it('covers the year, both daylight-time changes, holidays and early closes among the instants checked', () => {
    const instants = instantsToCheck(fires);
    const covers = (date: string) => {
      const [start, end] = [newYorkInstant(date, '00:00').getTime(), newYorkInstant(date, '23:59').getTime()];
      return instants.some((instant) => instant >= start && instant <= end);
    };
    const special = [
      ...dstChangeDays(2026, 2026),
      '2026-04-03', // Good Friday
      '2026-07-03', // Independence Day observed
      '2026-11-26', // Thanksgiving
      '2026-11-27', // early close, 13:00
      '2026-12-24', // early close, 13:00
      '2026-12-25', // Christmas
    ];
    expect(special.every(covers)).toBe(true);
  });

  it('gives one next sync for every instant of the year: cron, core, Cache-Control and the serve timer', async () => {
    const clock = new FixedClock(FROM);
    const api = createContainer(loadConfig({ SYNC_TIMES_ET: apiSyncTimes }), {
      clock,
      winnerRepository: new InMemoryWinnerRepository(),
    }).get(TOKENS.moversApi);
    const disagreements: string[] = [];
    for (const instant of instantsToCheck(fires)) {
      const now = new Date(instant);
      const cron = firstAfter(fires, instant);
      clock.set(now);
      const response = await api.handle(apiGatewayEvent('GET', '/movers'));
      const maxAge = Number(/max-age=(\d+)/.exec(String(response.headers?.['Cache-Control']))?.[1]);
      // While the last run may still be writing, answers are kept briefly; otherwise until the next run.
      const settling = instant < lastAtOrBefore(fires, instant) + SETTLE_MS;
      const expectedMaxAge = settling
        ? MIN_CACHE_SECONDS
        : Math.max(MIN_CACHE_SECONDS, Math.floor((cron - instant) / SECOND_MS));
      const seen = {
        core: nextScheduledSync(now, localTimes).getTime(),
        serve: nextLocalSync(now, localTimes, false).getTime(),
        maxAge,
      };
      if (seen.core !== cron || seen.serve !== cron || seen.maxAge !== expectedMaxAge) {
        disagreements.push(
          `${now.toISOString()}: cron ${new Date(cron).toISOString()}, core ${new Date(seen.core).toISOString()}, ` +
            `serve ${new Date(seen.serve).toISOString()}, max-age ${maxAge} (expected ${expectedMaxAge})`,
        );
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('keeps answers briefly for as long as a run can take: the Scheduler minute and the sync timeout', () => {
    expect(1 + FUNCTION_TIMEOUTS.sync.toMinutes()).toBeLessThanOrEqual(SYNC_SETTLE_MINUTES);
  });

  it('retries a failed local sync within 30 minutes, never later than the next scheduled one', () => {
    const [previous, next] = [fires[9] as number, fires[10] as number];
    const soonAfter = previous + MINUTE_MS;
    expect(nextLocalSync(new Date(soonAfter), localTimes, true).getTime()).toBe(soonAfter + 30 * MINUTE_MS);
    expect(nextLocalSync(new Date(next - 10 * MINUTE_MS), localTimes, true).getTime()).toBe(next);
  });
});
