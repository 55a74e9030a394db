/**
 * Runs `task` over `items` with at most `limit` of them in flight, results in input order. The first item
 * runs alone: a failure every call would share (a rejected key, an outage) then costs one call, not
 * `limit`. Once a task throws, no further task starts; the first error is rethrown after the running
 * ones have settled, so no call is left running unobserved behind the caller's back.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  let failure: { readonly error: unknown } | undefined;
  const runOne = async (index: number): Promise<void> => {
    try {
      results[index] = await task(items[index] as T);
    } catch (error) {
      failure ??= { error };
    }
  };
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) await runOne(next++);
  };
  if (items.length > 0) await runOne(next++);
  const workers = failure === undefined ? Math.min(limit, items.length - next) : 0;
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure) throw failure.error;
  return results;
}
