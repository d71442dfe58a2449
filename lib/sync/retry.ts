/** How hard a client retries transient failures. Tests set `baseMs` low through SECRETOPS_RETRY_BASE_MS. */
export interface RetryOptions {
  /** Attempts in total, the first included. @default 5 */
  readonly attempts?: number;
  /** Delay before the second attempt; it doubles each time. @default 500 */
  readonly baseMs?: number;
}

export function retryOptionsFrom(env: NodeJS.ProcessEnv): Required<RetryOptions> {
  const base = Number(env.SECRETOPS_RETRY_BASE_MS);
  const attempts = Number(env.SECRETOPS_RETRY_ATTEMPTS);
  return {
    baseMs: Number.isFinite(base) && base >= 0 && env.SECRETOPS_RETRY_BASE_MS !== '' && env.SECRETOPS_RETRY_BASE_MS !== undefined ? base : 500,
    attempts: Number.isInteger(attempts) && attempts > 0 ? attempts : 5,
  };
}

/**
 * Runs `fn` until it succeeds, `retryable(err)` says no, or attempts run out. `fn` gets the attempt
 * number so it can re-read state (a 409 means "read again, then retry").
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, retryable: (err: unknown) => boolean, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 5;
  const base = opts.baseMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= attempts || !retryable(err)) throw err;
      const delay = base * 2 ** (attempt - 1);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    }
  }
}
