import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { backoff, DEFAULT_RETRY_POLICY } from '../src/delivery/backoff.ts'
import { MISSIVE_RATE_LIMITS, RateLimiter } from '../src/delivery/rate-limiter.ts'
import type { RateLimits } from '../src/delivery/rate-limiter.ts'

/** The most starts found in any closed span of `windowMs`. */
function busiestWindow(starts: number[], windowMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b)
  let most = 0
  let from = 0
  for (let to = 0; to < sorted.length; to++) {
    while (sorted[to]! - sorted[from]! > windowMs) from++
    most = Math.max(most, to - from + 1)
  }
  return most
}

function assertWithin(starts: number[], limits: RateLimits): void {
  for (const { limit, windowMs } of limits.windows) expect(busiestWindow(starts, windowMs)).toBeLessThanOrEqual(limit)
}

describe('RateLimiter', () => {
  it('keeps Missive’s documented numbers', () => {
    expect(MISSIVE_RATE_LIMITS).toEqual({
      concurrency: 5,
      windows: [
        { limit: 300, windowMs: 60_000 },
        { limit: 900, windowMs: 900_000 },
      ],
    })
  })

  it('sends as fast as allowed but never more than 300 a minute or 900 per 15 minutes', () => {
    // A token with an endless backlog and instant answers, on a simulated clock.
    const limiter = new RateLimiter()
    const starts: number[] = []
    let now = 0
    while (starts.length < 2_000) {
      if (limiter.tryAcquire('t', now)) {
        starts.push(now)
        limiter.release('t')
        continue
      }
      const opening = limiter.nextOpening(now)
      expect(opening).toBeGreaterThan(now)
      now = opening!
    }
    assertWithin(starts, MISSIVE_RATE_LIMITS)
    // Not needlessly slow either: the first minute takes its 300, the first 15 minutes their 900.
    expect(starts.filter((t) => t <= 60_000)).toHaveLength(300)
    expect(starts.filter((t) => t <= 900_000)).toHaveLength(900)
  })

  it('allows at most 5 requests in flight per token, independently per token', () => {
    const limiter = new RateLimiter()
    for (let i = 0; i < 5; i++) expect(limiter.tryAcquire('a', 0)).toBe(true)
    expect(limiter.tryAcquire('a', 0)).toBe(false)
    expect(limiter.blockedTokens(0)).toEqual(['a'])
    expect(limiter.nextOpening(0)).toBeUndefined()
    expect(limiter.tryAcquire('b', 0)).toBe(true)
    limiter.release('a')
    expect(limiter.tryAcquire('a', 0)).toBe(true)
    expect(limiter.inFlight('a')).toBe(5)
  })

  it('pauses a lane until a 429’s Retry-After', () => {
    const limiter = new RateLimiter()
    limiter.pause('a', 30_000)
    expect(limiter.tryAcquire('a', 29_999)).toBe(false)
    expect(limiter.nextOpening(0)).toBe(30_000)
    expect(limiter.tryAcquire('b', 0)).toBe(true)
    expect(limiter.tryAcquire('a', 30_000)).toBe(true)
  })

  it('never exceeds any limit, whatever the timing of requests and answers (property)', () => {
    const limits: RateLimits = { concurrency: 3, windows: [{ limit: 5, windowMs: 100 }, { limit: 12, windowMs: 1_000 }] }
    const step = fc.oneof(
      fc.record({ kind: fc.constant('acquire' as const), token: fc.constantFrom('a', 'b') }),
      fc.record({ kind: fc.constant('release' as const), token: fc.constantFrom('a', 'b') }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 400 }) }),
      fc.record({ kind: fc.constant('pause' as const), token: fc.constantFrom('a', 'b'), ms: fc.integer({ min: 0, max: 300 }) }),
    )
    fc.assert(
      fc.property(fc.array(step, { maxLength: 300 }), (steps) => {
        const limiter = new RateLimiter(limits)
        const starts = new Map<string, number[]>([['a', []], ['b', []]])
        const inFlight = new Map<string, number>([['a', 0], ['b', 0]])
        const pausedUntil = new Map<string, number>([['a', 0], ['b', 0]])
        let now = 0
        for (const s of steps) {
          if (s.kind === 'advance') now += s.ms
          else if (s.kind === 'pause') {
            limiter.pause(s.token, now + s.ms)
            pausedUntil.set(s.token, Math.max(pausedUntil.get(s.token)!, now + s.ms))
          } else if (s.kind === 'release') {
            if (inFlight.get(s.token)! > 0) {
              limiter.release(s.token)
              inFlight.set(s.token, inFlight.get(s.token)! - 1)
            }
          } else if (limiter.tryAcquire(s.token, now)) {
            expect(now).toBeGreaterThanOrEqual(pausedUntil.get(s.token)!)
            starts.get(s.token)!.push(now)
            inFlight.set(s.token, inFlight.get(s.token)! + 1)
            expect(inFlight.get(s.token)).toBeLessThanOrEqual(limits.concurrency)
          }
          limiter.blockedTokens(now)
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
