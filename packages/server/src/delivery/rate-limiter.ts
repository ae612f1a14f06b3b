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
}

interface Lane {
  inFlight: number
  /** Start times of recent requests, oldest first (at most the largest window's limit). */
  starts: number[]
  pausedUntil: number
}

/**
 * Keeps each token's requests under the rate limits: a request takes a slot with `tryAcquire`
 * (refused when the lane is full, over a window, or paused by a 429) and gives it back with
 * `release`. Windows are sliding logs of start times, so no 60 s span ever holds more than 300
 * starts — a token bucket would allow a burst at a window's edge.
 *
 * The log lives in memory: after a restart it starts empty, so a restart within a minute of a
 * burst could exceed a window once; Missive then answers 429 and its Retry-After pauses the lane.
 */
export class RateLimiter {
  readonly limits: RateLimits
  readonly #lanes = new Map<string, Lane>()
  readonly #keep: number
  readonly #horizonMs: number

  constructor(limits: Partial<RateLimits> = {}) {
    this.limits = { ...MISSIVE_RATE_LIMITS, ...limits }
    if (!(this.limits.concurrency >= 1)) throw new RangeError('rate limits: concurrency must be at least 1')
    for (const window of this.limits.windows) {
      if (!(window.limit >= 1) || !(window.windowMs > 0)) {
        throw new RangeError(`rate limits: a window needs limit >= 1 and windowMs > 0, got ${JSON.stringify(window)}`)
      }
    }
    this.#keep = Math.max(0, ...this.limits.windows.map((window) => window.limit))
    this.#horizonMs = Math.max(0, ...this.limits.windows.map((window) => window.windowMs))
  }

  /** Take a slot for a request starting now, if the token's lane has one. */
  tryAcquire(token: string, now: number): boolean {
    const lane = this.#lane(token)
    if (this.#blockedUntil(lane, now) !== undefined) return false
    lane.inFlight++
    lane.starts.push(now)
    if (lane.starts.length > this.#keep) lane.starts.splice(0, lane.starts.length - this.#keep)
    return true
  }

  /** The request whose slot was taken at `reservedAt` really starts at `startedAt`: count it from then. */
  started(token: string, reservedAt: number, startedAt: number): void {
    const starts = this.#lanes.get(token)?.starts
    if (!starts || startedAt <= reservedAt) return
    const index = starts.lastIndexOf(reservedAt)
    if (index === -1) return
    starts.splice(index, 1)
    let at = starts.length
    while (at > 0 && starts[at - 1]! > startedAt) at--
    starts.splice(at, 0, startedAt)
  }

  /** The request is over (whatever its outcome): free its concurrency slot. */
  release(token: string): void {
    const lane = this.#lanes.get(token)
    if (lane && lane.inFlight > 0) lane.inFlight--
  }

  /** Missive said 429: nothing more for this token until `until` (its Retry-After). */
  pause(token: string, until: number): void {
    const lane = this.#lane(token)
    lane.pausedUntil = Math.max(lane.pausedUntil, until)
  }

  /** True when the token cannot start a request now (full, over a window or paused). */
  isBlocked(token: string, now: number): boolean {
    const lane = this.#lanes.get(token)
    return lane !== undefined && this.#blockedUntil(lane, now) !== undefined
  }

  /** Tokens that cannot start a request now (full, over a window or paused). */
  blockedTokens(now: number): string[] {
    const blocked: string[] = []
    for (const [token, lane] of this.#lanes) {
      if (this.#blockedUntil(lane, now) !== undefined) blocked.push(token)
      else if (lane.inFlight === 0 && (lane.starts.at(-1) ?? -Infinity) <= now - this.#horizonMs) this.#lanes.delete(token)
    }
    return blocked
  }

  /**
   * The earliest time a lane blocked by time (a window or a pause) opens again; undefined when
   * none is. Lanes that are only full wait for a release instead.
   */
  nextOpening(now: number): number | undefined {
    let earliest: number | undefined
    for (const lane of this.#lanes.values()) {
      const until = this.#blockedUntil(lane, now)
      if (until === undefined || until === Infinity) continue
      earliest = earliest === undefined ? until : Math.min(earliest, until)
    }
    return earliest
  }

  /** Requests in flight for a token (for tests and logs). */
  inFlight(token: string): number {
    return this.#lanes.get(token)?.inFlight ?? 0
  }

  #lane(token: string): Lane {
    let lane = this.#lanes.get(token)
    if (!lane) {
      lane = { inFlight: 0, starts: [], pausedUntil: 0 }
      this.#lanes.set(token, lane)
    }
    return lane
  }

  /** When the lane can take a request again: undefined if now, Infinity if on a release. */
  #blockedUntil(lane: Lane, now: number): number | undefined {
    let until: number | undefined
    if (lane.pausedUntil > now) until = lane.pausedUntil
    for (const { limit, windowMs } of this.limits.windows) {
      const starts = lane.starts
      // The window is full while the limit-th most recent start is still inside it; counted as a
      // closed interval, so that no span of exactly windowMs ever holds limit + 1 starts.
      const oldest = starts.length >= limit ? starts[starts.length - limit]! : undefined
      if (oldest !== undefined && oldest >= now - windowMs) until = Math.max(until ?? 0, oldest + windowMs + 1)
    }
    if (until === undefined && lane.inFlight >= this.limits.concurrency) return Infinity
    return until
  }
}
