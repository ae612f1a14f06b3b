export interface RetryPolicy {
  /** The first retry waits up to this long; each further one up to twice as long. */
  baseMs: number
  /** No wait is longer than this. */
  capMs: number
  /** Retryable failures keep being retried this long after the first one, then dead-letter. */
  maxAgeMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseMs: 1_000,
  capMs: 5 * 60_000,
  maxAgeMs: 24 * 60 * 60_000,
}

/**
 * Exponential backoff with full jitter: a random wait in [0, min(cap, base · 2^(attempt-1))].
 * Full jitter spreads the retries of posts that failed together (a Missive outage) instead of
 * sending them back in waves.
 * @see https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */
export function backoff(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 52)
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent)
  return Math.floor(random() * ceiling)
}
