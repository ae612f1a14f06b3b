import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { backoff, DEFAULT_RETRY_POLICY } from '../src/delivery/backoff.ts'
import { laneCapacity, laneOpensAt, MISSIVE_RATE_LIMITS, rateLimits, recordStarts } from '../src/delivery/rate-limiter.ts'
import type { Lane, RateLimits } from '../src/delivery/rate-limiter.ts'
import { busiestWindow } from './helpers/missive-stand-in.ts'

function assertWithin(starts: number[], limits: RateLimits): void {
  for (const { limit, windowMs } of limits.windows) expect(busiestWindow(starts, windowMs)).toBeLessThanOrEqual(limit)
}

/** A token's lane on a simulated clock, as a queue backend keeps it. */
function lane(): Lane {
  return { inFlight: 0, starts: [], pausedUntil: 0 }
}

/** Take one slot if the lane has one at `now` (what a claim does for each post). */
function acquire(state: Lane, limits: RateLimits, now: number): boolean {
  if (laneCapacity(state, limits, now) < 1) return false
  recordStarts(state, limits, 1, now)
  return true
}

describe('rate limits (lane math)', () => {
  it('keeps Missive’s documented numbers', () => {
    expect(MISSIVE_RATE_LIMITS).toEqual({
      concurrency: 5,
      windows: [
        { limit: 300, windowMs: 60_000 },
        { limit: 900, windowMs: 900_000 },
      ],
      marginMs: 500,
    })
  })

  it('sends as fast as allowed but never more than 300 a minute or 900 per 15 minutes', () => {
    // A token with an endless backlog and instant answers, on a simulated clock.
    const state = lane()
    const starts: number[] = []
    let now = 0
    while (starts.length < 2_000) {
      if (acquire(state, MISSIVE_RATE_LIMITS, now)) {
        starts.push(now)
        state.inFlight--
        continue
      }
      const opening = laneOpensAt(state, MISSIVE_RATE_LIMITS)
      expect(opening).toBeGreaterThan(now)
      now = opening
    }
    assertWithin(starts, MISSIVE_RATE_LIMITS)
    // Not needlessly slow either: the first minute takes its 300, the first 15 minutes their 900.
    expect(starts.filter((t) => t <= 60_000)).toHaveLength(300)
    expect(starts.filter((t) => t <= 900_000)).toHaveLength(900)
  })

  it('allows at most 5 requests in flight per token, and no more than a window has room for at once', () => {
    const state = lane()
    expect(laneCapacity(state, MISSIVE_RATE_LIMITS, 0)).toBe(5)
    recordStarts(state, MISSIVE_RATE_LIMITS, 5, 0)
    expect(laneCapacity(state, MISSIVE_RATE_LIMITS, 0)).toBe(0)
    // Full by concurrency only: no time opens it, a finished request does.
    expect(laneOpensAt(state, MISSIVE_RATE_LIMITS)).toBeLessThanOrEqual(0)
    state.inFlight = 0
    const small = rateLimits({ concurrency: 10, windows: [{ limit: 7, windowMs: 1_000 }], marginMs: 0 })
    expect(laneCapacity(state, small, 10)).toBe(2)
  })

  it('pauses a lane until a 429’s Retry-After', () => {
    const state = lane()
    state.pausedUntil = 30_000
    expect(laneCapacity(state, MISSIVE_RATE_LIMITS, 29_999)).toBe(0)
    expect(laneOpensAt(state, MISSIVE_RATE_LIMITS)).toBe(30_000)
    expect(laneCapacity(state, MISSIVE_RATE_LIMITS, 30_000)).toBe(5)
  })

  it('holds each window for its margin too', () => {
    const limits = rateLimits({ concurrency: 10, windows: [{ limit: 2, windowMs: 1_000 }], marginMs: 200 })
    const state = lane()
    recordStarts(state, limits, 2, 0)
    state.inFlight = 0
    expect(laneCapacity(state, limits, 1_200)).toBe(0)
    expect(laneOpensAt(state, limits)).toBe(1_201)
    expect(laneCapacity(state, limits, 1_201)).toBe(2)
  })

  it('rejects limits that cannot be kept', () => {
    expect(() => rateLimits({ concurrency: 0 })).toThrow(/concurrency must be at least 1/)
    expect(() => rateLimits({ windows: [{ limit: 0, windowMs: 1 }] })).toThrow(/limit >= 1/)
  })

  it('never exceeds any limit, whatever the timing of requests and answers (property)', () => {
    const limits: RateLimits = rateLimits({
      concurrency: 3,
      windows: [
        { limit: 5, windowMs: 100 },
        { limit: 12, windowMs: 1_000 },
      ],
      marginMs: 0,
    })
    const step = fc.oneof(
      fc.record({ kind: fc.constant('acquire' as const), token: fc.constantFrom('a', 'b'), count: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant('release' as const), token: fc.constantFrom('a', 'b') }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 400 }) }),
      fc.record({ kind: fc.constant('pause' as const), token: fc.constantFrom('a', 'b'), ms: fc.integer({ min: 0, max: 300 }) }),
    )
    fc.assert(
      fc.property(fc.array(step, { maxLength: 300 }), (steps) => {
        const lanes = new Map<string, Lane>([
          ['a', lane()],
          ['b', lane()],
        ])
        const starts = new Map<string, number[]>([
          ['a', []],
          ['b', []],
        ])
        let now = 0
        for (const s of steps) {
          if (s.kind === 'advance') now += s.ms
          else if (s.kind === 'pause') {
            const state = lanes.get(s.token)!
            state.pausedUntil = Math.max(state.pausedUntil, now + s.ms)
          } else if (s.kind === 'release') {
            const state = lanes.get(s.token)!
            if (state.inFlight > 0) state.inFlight--
          } else {
            // A claim takes as many as the lane's capacity allows, at once.
            const state = lanes.get(s.token)!
            const take = Math.min(s.count, laneCapacity(state, limits, now))
            if (take > 0) {
              expect(now).toBeGreaterThanOrEqual(state.pausedUntil)
              recordStarts(state, limits, take, now)
              starts.get(s.token)!.push(...Array<number>(take).fill(now))
              expect(state.inFlight).toBeLessThanOrEqual(limits.concurrency)
            }
          }
        }
        for (const list of starts.values()) assertWithin(list, limits)
      }),
      { numRuns: 200 },
    )
  })
})

describe('backoff', () => {
  it('grows exponentially with full jitter, capped at 5 minutes', () => {
    expect(backoff(1, DEFAULT_RETRY_POLICY, () => 0.999_999)).toBe(999)
    expect(backoff(3, DEFAULT_RETRY_POLICY, () => 0.5)).toBe(2_000)
    expect(backoff(40, DEFAULT_RETRY_POLICY, () => 0.999_999)).toBeLessThan(300_000)
    expect(backoff(40, DEFAULT_RETRY_POLICY, () => 0)).toBe(0)
  })
})
