import { createHash } from 'node:crypto'
import { laneCapacity, laneOpensAt, recordStarts, type Lane, type RateLimits } from '../delivery/rate-limiter.js'

/**
 * The lane a token's posts are limited in: 16 bytes of its SHA-256, so that a lane row (or a log
 * line about one) never holds the token itself.
 */
export function laneOf(token: string): Buffer {
  let lane = lanes.get(token)
  if (!lane) {
    // A server sees a handful of tokens: hashed once each (the map is dropped if that ever grows).
    if (lanes.size >= 1_000) lanes.clear()
    lane = createHash('sha256').update(token).digest().subarray(0, 16)
    lanes.set(token, lane)
  }
  return lane
}

const lanes = new Map<string, Buffer>()

/** A lane as a backend stores it: its key, its state, and when a claim last took from it. */
export interface StoredLane extends Lane {
  key: Buffer
  servedAt: number
  /** Heads due now (counted up to the claim's limit). */
  due: number
}

/** A claim's plan: how many posts to take from each lane, and the lanes closed by time until when. */
export interface ClaimShares {
  shares: Array<{ lane: StoredLane; take: number }>
  /** Lanes a window or a pause keeps shut past `now`: stored, so that claims skip them until then. */
  closed: Array<{ lane: StoredLane; openAt: number }>
}

/**
 * How many posts to take from each lane at `now`: least recently served lane first (so that one
 * token's backlog cannot starve another's), each within its own limits, `limit` in all.
 */
export function shareClaim(lanes: readonly StoredLane[], limits: RateLimits, now: number, limit: number): ClaimShares {
  const plan: ClaimShares = { shares: [], closed: [] }
  let left = limit
  for (const lane of [...lanes].sort((a, b) => a.servedAt - b.servedAt || Buffer.compare(a.key, b.key))) {
    const openAt = laneOpensAt(lane, limits)
    if (openAt > now) {
      plan.closed.push({ lane, openAt })
      continue
    }
    const take = Math.min(left, lane.due, laneCapacity(lane, limits, now))
    if (take > 0) {
      plan.shares.push({ lane, take })
      left -= take
    }
  }
  return plan
}

/** After a claim took `count` posts of a lane for requests starting at `startedAt`: what to store. */
export function laneAfterClaim(lane: StoredLane, limits: RateLimits, count: number, startedAt: number): { starts: number[]; openAt: number } {
  recordStarts(lane, limits, count, startedAt)
  lane.servedAt = startedAt
  return { starts: lane.starts, openAt: laneOpensAt(lane, limits) }
}

/** A lane that nothing has used for longer than its largest window (and not paused) holds nothing worth keeping. */
export function laneIdleBefore(limits: RateLimits, now: number): number {
  return now - Math.max(0, ...limits.windows.map((window) => window.windowMs)) - limits.marginMs
}
