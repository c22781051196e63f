// The retry rule the handlers share: a call AWS throttled (or that failed with an error the
// caller names, such as a stale ETag) is tried again with exponential backoff. Pure over `sleep`,
// so tests run it without waiting; it imports no SDK client.

/** Attempts of one call that AWS throttles or whose ETag went stale. */
export const ATTEMPTS = 8;

const THROTTLES = ['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded'];

/** Retries a call that was throttled (or failed with one of `also`), backing off exponentially. */
export async function retrying<T>(call: () => Promise<T>, deps: { sleep(ms: number): Promise<void> }, also: string[] = []): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      const name = (e as Error).name;
      if (attempt >= ATTEMPTS || ![...THROTTLES, ...also].includes(name)) throw e;
      await deps.sleep(Math.min(20_000, 500 * 2 ** attempt));
    }
  }
}
