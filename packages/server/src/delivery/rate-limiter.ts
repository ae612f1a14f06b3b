/** At most `limit` requests started in any `windowMs`. */
export interface RateWindow {
  limit: number
  windowMs: number
}

export interface RateLimits {
  /** Requests in flight at once, per token. */
  concurrency: number
  /** Sliding windows, all enforced at once, per token. */
  windows: readonly RateWindow[]
  /**
   * Each window is held this much longer than Missive's: it absorbs the time between a claim and
   * its request, clock skew between instances and network jitter, so that Missive never counts
   * one request too many in its own window.
   */
  marginMs: number
}

/**
 * Missive's documented limits, per API token: 5 concurrent requests, 300 per minute, 900 per
 * 15 minutes. Exceeding them earns a 429 with Retry-After.
 * @see https://missiveapp.com/help/api-documentation/rate-limits
 * @see https://missiveapp.com/help/api-documentation/getting-started
 */
export const MISSIVE_RATE_LIMITS: RateLimits = {
  concurrency: 5,
  windows: [
    { limit: 300, windowMs: 60_000 },
    { limit: 900, windowMs: 15 * 60_000 },
  ],
  marginMs: 500,
}

/**
 * A token's lane, as a queue backend keeps it (in its own file, or in a row every instance locks
 * while claiming): requests in flight, start times of recent requests, and a 429's pause.
 */
export interface Lane {
  inFlight: number
  /** Start times of recent requests (ms since the epoch), oldest first. */
  starts: number[]
  /** No request before this time (a 429's Retry-After). */
  pausedUntil: number
}

/** Missive's limits with `overrides` applied, checked. */
export function rateLimits(overrides: Partial<RateLimits> = {}): RateLimits {
  const limits = { ...MISSIVE_RATE_LIMITS, ...overrides }
  if (!(limits.concurrency >= 1)) throw new RangeError('rate limits: concurrency must be at least 1')
  if (!(limits.marginMs >= 0)) throw new RangeError('rate limits: marginMs must be 0 or more')
  for (const window of limits.windows) {
    if (!(window.limit >= 1) || !(window.windowMs > 0)) {
      throw new RangeError(`rate limits: a window needs limit >= 1 and windowMs > 0, got ${JSON.stringify(window)}`)
    }
  }
  return limits
}

/**
 * How many requests the lane may start at `now` (concurrency, every window, a pause). Windows
 * are sliding logs of start times, so that no span of a window ever holds more than its limit —
 * a token bucket would allow a burst at a window's edge. A span is counted closed, with the
 * margin: starts in [now - windowMs - marginMs, now].
 */
export function laneCapacity(lane: Lane, limits: RateLimits, now: number): number {
  if (lane.pausedUntil > now) return 0
  let capacity = limits.concurrency - lane.inFlight
  for (const { limit, windowMs } of limits.windows) {
    const since = now - windowMs - limits.marginMs
    let recent = 0
    for (let i = lane.starts.length - 1; i >= 0 && lane.starts[i]! >= since; i--) recent++
    capacity = Math.min(capacity, limit - recent)
  }
  return Math.max(0, capacity)
}

/** Record `count` requests starting at `startedAt`, keeping only the starts the windows need. */
export function recordStarts(lane: Lane, limits: RateLimits, count: number, startedAt: number): void {
  lane.inFlight += count
  let at = lane.starts.length
  while (at > 0 && lane.starts[at - 1]! > startedAt) at--
  lane.starts.splice(at, 0, ...Array<number>(count).fill(startedAt))
  const keep = Math.max(0, ...limits.windows.map((window) => window.limit))
  if (lane.starts.length > keep) lane.starts.splice(0, lane.starts.length - keep)
}

/**
 * When the lane opens again by time alone (a window or a pause; concurrency waits for a request
 * to finish instead). A time in the past means it is open.
 */
export function laneOpensAt(lane: Pick<Lane, 'starts' | 'pausedUntil'>, limits: RateLimits): number {
  let at = lane.pausedUntil
  for (const { limit, windowMs } of limits.windows) {
    // The window is full while its limit-th most recent start is still inside it.
    const oldest = lane.starts.length >= limit ? lane.starts[lane.starts.length - limit]! : undefined
    if (oldest !== undefined) at = Math.max(at, oldest + windowMs + limits.marginMs + 1)
  }
  return at
}
