import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import Database from 'better-sqlite3'
import { MissiveApiError, MissiveClient } from '@missive-integrations/core'
import type { MissivePost } from '@missive-integrations/core'
import { DeliveryWorker } from '../src/delivery/worker.ts'
import { MISSIVE_RATE_LIMITS } from '../src/delivery/rate-limiter.ts'
import type { DeliveryWorkerOptions } from '../src/delivery/worker.ts'
import { openSqliteQueue } from '../src/queue/sqlite/queue.ts'
import type { SqliteQueue } from '../src/queue/sqlite/queue.ts'
import type { DeliveryObserver } from '../src/queue/types.ts'
import { freePort, startMissiveStandIn } from './helpers/missive-stand-in.ts'
import type { MissiveStandIn } from './helpers/missive-stand-in.ts'

const TOKEN = 'missive-token-0123456789abcdef'
const OTHER_TOKEN = 'missive-token-fedcba9876543210'
/** Retries in milliseconds rather than seconds, so that tests stay fast. */
const FAST_RETRY = { baseMs: 10, capMs: 50 }

let standIn: MissiveStandIn
let dir: string
let queue: SqliteQueue
const workers: DeliveryWorker[] = []
let logLines: string[] = []
let events: {
  delivered: unknown[]
  retried: Array<{ failure: string; delayMs: number; attempts: number }>
  deadLettered: Array<{ reason: string }>
  resent: Array<{ attempts: number }>
}

beforeAll(async () => {
  standIn = await startMissiveStandIn()
})
afterAll(async () => {
  await standIn.close()
})
beforeEach(async () => {
  standIn.reset()
  dir = mkdtempSync(join(tmpdir(), 'worker-test-'))
  queue = await openSqliteQueue({ dataDir: dir })
  logLines = []
  events = { delivered: [], retried: [], deadLettered: [], resent: [] }
})
afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.stop()
  await queue.close()
  rmSync(dir, { recursive: true, force: true })
  // Whatever happened, no log line ever carries a token.
  for (const line of logLines) {
    expect(line).not.toContain(TOKEN)
    expect(line).not.toContain(OTHER_TOKEN)
  }
})

function startWorker(options: Partial<DeliveryWorkerOptions> & { baseUrl?: string; timeoutMs?: number } = {}): DeliveryWorker {
  const { baseUrl, timeoutMs, ...rest } = options
  const observer: DeliveryObserver = {
    delivered: (info) => events.delivered.push(info),
    retried: (info) => events.retried.push(info),
    deadLettered: (info) => events.deadLettered.push(info),
    resent: (info) => events.resent.push(info),
  }
  const worker = new DeliveryWorker({
    queue,
    client: new MissiveClient({ baseUrl: baseUrl ?? standIn.url, timeoutMs: timeoutMs ?? 2_000 }),
    logger: pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) }),
    observer,
    retry: FAST_RETRY,
    ...rest,
  })
  workers.push(worker)
  worker.start()
  return worker
}

function post(reference: string, text: string): MissivePost {
  return { username: 'Test', username_icon: 'https://example.com/i.png', notification: { title: 't', body: text }, references: [reference], text }
}

let deliveries = 0
async function enqueue(posts: MissivePost[], token = TOKEN): Promise<string[]> {
  const result = await queue.enqueue({ provider: 'github', event: 'push', dedupeKey: `d-${++deliveries}`, token, posts })
  if (result.status !== 'queued') throw new Error('unexpected duplicate')
  return result.ids
}

function texts(list: typeof standIn.accepted): string[] {
  return list.map((request) => request.body.posts.text ?? '')
}

describe('DeliveryWorker', () => {
  it('delivers every post exactly once, in order per conversation, follow-ups after their first post', async () => {
    standIn.handler = () => ({ status: 201, delayMs: Math.floor(Math.random() * 15) })
    const expected: string[] = []
    for (let i = 0; i < 40; i++) {
      const own = post(`conv-${i % 4}`, `conv-${i % 4} #${i}`)
      const posts = i % 5 === 0 ? [own, post(`mentioned-${i}`, `follow-up of #${i}`)] : [own]
      expected.push(...posts.map((p) => p.text!))
      await enqueue(posts)
    }
    const worker = startWorker()
    await worker.idle()

    expect(texts(standIn.accepted).sort()).toEqual([...expected].sort())
    expect(standIn.requests).toHaveLength(expected.length)
    for (let conv = 0; conv < 4; conv++) {
      const sent = texts(standIn.accepted).filter((text) => text.startsWith(`conv-${conv} `))
      expect(sent).toEqual(expected.filter((text) => text.startsWith(`conv-${conv} `)))
    }
    for (const request of standIn.requests.filter((r) => r.body.posts.text?.startsWith('follow-up'))) {
      const n = request.body.posts.text!.split('#')[1]!
      const first = standIn.requests.find((r) => r.body.posts.text?.endsWith(` #${n}`) && r.body.posts.text.startsWith('conv-'))!
      expect(first.index).toBeLessThan(request.index)
    }
    expect(standIn.requests[0]?.authorization).toBe(`Bearer ${TOKEN}`)
    expect(events.delivered).toHaveLength(expected.length)
    expect(await queue.stats()).toEqual({ pending: 0, inFlight: 0, deadLetters: 0 })
  })

  it('does not post a follow-up into the conversation its first post landed in', async () => {
    // The first post lands in conversation "landed"; the commit that links "landed" is not posted
    // there again, the one that links another conversation is.
    standIn.handler = (request) => ({
      status: 201,
      body: { posts: { id: `p-${request.index}`, conversation: request.body.posts.text === 'push' ? 'landed' : 'elsewhere' } },
    })
    const follow = (conversation: string, text: string): MissivePost => ({ ...post('x', text), references: undefined, conversation })
    await enqueue([post('repo/main', 'push'), follow('landed', 'same conversation'), follow('other', 'other conversation')])
    const worker = startWorker()
    await worker.idle()
    expect(texts(standIn.accepted)).toEqual(['push', 'other conversation'])
    expect(events.delivered).toHaveLength(2)
    expect(await queue.stats()).toEqual({ pending: 0, inFlight: 0, deadLetters: 0 })
  })

  it('never has more than 5 requests in flight per token', async () => {
    standIn.delayMs = 60
    for (let i = 0; i < 30; i++) await enqueue([post(`a-${i}`, `a ${i}`)], TOKEN)
    for (let i = 0; i < 30; i++) await enqueue([post(`b-${i}`, `b ${i}`)], OTHER_TOKEN)
    const worker = startWorker()
    await worker.idle()
    expect(standIn.accepted).toHaveLength(60)
    expect(standIn.maxConcurrent(TOKEN)).toBe(5)
    expect(standIn.maxConcurrent(OTHER_TOKEN)).toBe(5)
  })

  it('keeps each token under its request windows (scaled-down limits)', async () => {
    const starts: number[] = []
    const countingFetch: typeof fetch = (input, init) => {
      starts.push(Date.now())
      return fetch(input, init)
    }
    for (let i = 0; i < 12; i++) await enqueue([post(`w-${i}`, `w ${i}`)])
    const began = Date.now()
    const worker = startWorker({
      client: new MissiveClient({ baseUrl: standIn.url, fetch: countingFetch }),
      limits: { concurrency: 5, windows: [{ limit: 4, windowMs: 250 }], marginMs: 0 },
    })
    await worker.idle()
    expect(standIn.accepted).toHaveLength(12)
    // 12 posts at 4 per 250 ms: three windows, so at least 500 ms.
    expect(Date.now() - began).toBeGreaterThanOrEqual(500)
    const sorted = starts.sort((a, b) => a - b)
    for (let i = 4; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 4]!).toBeGreaterThan(250)
  })

  it('waits for a 429’s Retry-After, pausing the whole token lane', async () => {
    standIn.replies.push({ status: 429, headers: { 'retry-after': '1' }, body: { error: 'rate limited' } })
    let firstRetry!: () => void
    const retried = new Promise<void>((resolve) => (firstRetry = resolve))
    const worker = startWorker({
      observer: {
        retried: (info) => {
          events.retried.push(info)
          firstRetry()
        },
      },
    })
    await enqueue([post('r-1', 'limited')])
    await retried
    // A post of the same token in another conversation waits for the pause too.
    await enqueue([post('r-2', 'same lane')])
    await worker.idle()

    expect(events.retried).toEqual([expect.objectContaining({ failure: 'rate_limited', delayMs: 1_000, attempts: 1 })])
    const [limited, ...after] = standIn.requests
    expect(limited?.status).toBe(429)
    expect(after).toHaveLength(2)
    for (const request of after) expect(request.receivedAt - limited!.receivedAt).toBeGreaterThanOrEqual(950)
    expect(texts(standIn.accepted).sort()).toEqual(['limited', 'same lane'])
  })

  it('retries 5xx answers with backoff, then delivers', async () => {
    standIn.replies.push({ status: 500 }, { status: 502 }, { status: 503 })
    await enqueue([post('s-1', 'eventually')])
    const worker = startWorker()
    await worker.idle()
    expect(standIn.requests.map((r) => r.status)).toEqual([500, 502, 503, 201])
    expect(events.retried.map((e) => [e.failure, e.attempts])).toEqual([
      ['server', 1],
      ['server', 2],
      ['server', 3],
    ])
    for (const { delayMs } of events.retried) expect(delayMs).toBeLessThanOrEqual(FAST_RETRY.capMs)
    expect(events.delivered).toEqual([expect.objectContaining({ attempts: 4 })])
  })

  it('retries timeouts and dropped connections', async () => {
    standIn.replies.push({ hang: true }, { destroy: true })
    await enqueue([post('t-1', 'after a timeout')])
    const worker = startWorker({ timeoutMs: 200 })
    await worker.idle()
    expect(events.retried.map((e) => e.failure)).toEqual(['timeout', 'network'])
    expect(texts(standIn.accepted)).toEqual(['after a timeout'])
    expect(standIn.requests).toHaveLength(3)
  })

  it('dead-letters a permanent 422 at once with the reason, token redacted; replay delivers it', async () => {
    standIn.replies.push({ status: 422, body: { error: `references are invalid for ${TOKEN}` } })
    const [id] = await enqueue([post('p-1', 'refused')])
    const worker = startWorker()
    await worker.idle()

    expect(standIn.requests).toHaveLength(1)
    expect(events.retried).toEqual([])
    expect(events.deadLettered).toHaveLength(1)
    const [letter] = await queue.deadLetters()
    expect(letter).toMatchObject({ id, provider: 'github', event: 'push', httpStatus: 422, attempts: 1 })
    expect(letter!.reason).toMatch(/422/)
    expect(letter!.reason).toMatch(/references are invalid for \[redacted\]/)
    expect(letter!.reason).not.toContain(TOKEN)
    expect(await queue.stats()).toEqual({ pending: 0, inFlight: 0, deadLetters: 1 })

    expect(await queue.replay([id!])).toBe(1)
    await worker.idle()
    expect(texts(standIn.accepted)).toEqual(['refused'])
    expect(await queue.stats()).toEqual({ pending: 0, inFlight: 0, deadLetters: 0 })
  })

  it('retries an unreachable API for 24 h after the first failure, then dead-letters (simulated clock)', async () => {
    const closedPort = await freePort()
    let now = Date.UTC(2026, 0, 1)
    let slept = 0
    // The clock jumps by whatever the worker sleeps; a long poll only waits to be woken.
    const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
      ms >= 86_400_000
        ? new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
        : new Promise((resolve) => {
            now += ms
            slept += ms
            setImmediate(resolve)
          })
    await queue.close()
    queue = await openSqliteQueue({ dataDir: dir, now: () => now })
    await enqueue([post('u-1', 'unreachable'), post('u-2', 'its follow-up')])
    const worker = startWorker({
      baseUrl: `http://127.0.0.1:${closedPort}/v1`,
      now: () => now,
      sleep,
      pollIntervalMs: 86_400_000,
      retry: { capMs: 60 * 60_000 },
    })
    await worker.idle()

    expect(events.retried.length).toBeGreaterThan(10)
    expect(new Set(events.retried.map((e) => e.failure))).toEqual(new Set(['network']))
    expect(slept).toBeGreaterThanOrEqual(24 * 3_600_000)
    const letters = await queue.deadLetters()
    const own = letters.find((letter) => letter.post.text === 'unreachable')!
    expect(own.reason).toMatch(/^gave up after \d+ attempts over 2[45] h; last error: .*ECONNREFUSED/)
    expect(own.attempts).toBe(events.retried.length + 1)
    expect(letters.find((letter) => letter.post.text === 'its follow-up')?.reason).toMatch(/first post of its delivery/)
    expect(events.deadLettered).toHaveLength(2)
  })

  it('finishes what is in flight on stop, and another worker resumes the rest', async () => {
    standIn.delayMs = 100
    for (let i = 0; i < 10; i++) await enqueue([post('same-conversation', `ordered ${i}`)])
    const first = startWorker()
    await new Promise((resolve) => setTimeout(resolve, 250))
    await first.stop()
    const sentBefore = standIn.accepted.length
    expect(sentBefore).toBeGreaterThan(0)
    expect(sentBefore).toBeLessThan(10)
    expect((await queue.stats()).inFlight).toBe(0)

    const second = startWorker()
    await second.idle()
    expect(texts(standIn.accepted)).toEqual(Array.from({ length: 10 }, (_, i) => `ordered ${i}`))
  })
})

/** A clock that jumps by whatever the worker sleeps; a sleep as long as the poll only waits to be woken. */
function simulatedClock(start = Date.UTC(2026, 0, 1)) {
  const clock = {
    now: start,
    slept: 0,
    sleep: (ms: number, signal: AbortSignal): Promise<void> =>
      ms >= 86_400_000
        ? new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
        : new Promise((resolve) => {
            clock.now += ms
            clock.slept += ms
            setImmediate(resolve)
          }),
  }
  return clock
}

describe('DeliveryWorker after a crash', () => {
  it('sends again what a crashed server had in flight, counted and logged as a possible duplicate', async () => {
    await enqueue([post('crashed', 'was in flight')])
    // The server that claimed it died before Missive's answer was recorded.
    expect(await queue.claim({ now: Date.now(), limit: 10, limits: MISSIVE_RATE_LIMITS })).toHaveLength(1)
    await queue.close()
    queue = await openSqliteQueue({ dataDir: dir })
    const worker = startWorker()
    await worker.idle()
    expect(texts(standIn.created)).toEqual(['was in flight'])
    expect(events.resent).toEqual([expect.objectContaining({ attempts: 2 })])
    expect(logLines.some((line) => line.includes('its previous attempt was cut off'))).toBe(true)
  })
})

describe('DeliveryWorker against misbehaving peers', () => {
  it('never follows a redirect: the post is retried, sent once, and never lands elsewhere', async () => {
    standIn.replies.push({ redirect: 307, location: `${standIn.url}/elsewhere` }, { redirect: 301, location: 'http://127.0.0.1:9/v1/posts' })
    await enqueue([post('redirected', 'redirected'), post('follow', 'its follow-up')])
    const worker = startWorker()
    await worker.idle()
    expect(events.retried.map((e) => e.failure)).toEqual(['redirect', 'redirect'])
    expect(standIn.stray).toEqual([])
    expect(texts(standIn.created)).toEqual(['redirected', 'its follow-up'])
    expect(await queue.stats()).toEqual({ pending: 0, inFlight: 0, deadLetters: 0 })
  })

  it('takes a 201 whose body drips in as created: sent once, not retried, and the conversation goes on', async () => {
    standIn.replies.push({ status: 201, drip: { intervalMs: 100 } })
    await enqueue([post('drip', 'dripped')])
    await enqueue([post('drip', 'after the drip')])
    const worker = startWorker({ timeoutMs: 400 })
    await worker.idle()
    expect(texts(standIn.created)).toEqual(['dripped', 'after the drip'])
    expect(standIn.requests).toHaveLength(2)
    expect(events.retried).toEqual([])
    expect(events.delivered).toHaveLength(2)
  })

  it('parks a post at most an hour whatever Retry-After a client reports, and its lane with it', async () => {
    // A client other than core's (or an older core) passing a peer's Retry-After through unclamped.
    const clock = simulatedClock()
    await queue.close()
    queue = await openSqliteQueue({ dataDir: dir, now: () => clock.now })
    const client = {
      createPost: async () => {
        throw new MissiveApiError('rate_limited', 'Missive API rate limit hit (429)', { httpStatus: 429, retryAfterSeconds: 1e26 })
      },
    }
    await enqueue([post('parked', 'parked')])
    const worker = startWorker({ client, now: () => clock.now, sleep: clock.sleep, pollIntervalMs: 86_400_000 })
    await vi.waitFor(() => expect(events.retried.length).toBeGreaterThan(0))
    await worker.stop()
    expect(events.retried[0]).toMatchObject({ failure: 'rate_limited', delayMs: 3_600_000 })
    const next = await queue.nextAttemptAfter(clock.now - 1, worker.limits)
    expect(next).toBeLessThanOrEqual(clock.now + 3_600_000)
  })

  it('gives up on a post parked by Retry-After at its 24 h deadline, not after it (simulated clock)', async () => {
    standIn.handler = (request) => ({ status: 429, headers: { 'retry-after': '999999999' }, body: { error: `slow down ${request.index}` } })
    const clock = simulatedClock()
    await queue.close()
    queue = await openSqliteQueue({ dataDir: dir, now: () => clock.now })
    const start = clock.now
    await enqueue([post('patient', 'patient')])
    // 2.5 h instead of 24 h: the same rule, fewer round trips.
    const worker = startWorker({ now: () => clock.now, sleep: clock.sleep, pollIntervalMs: 86_400_000, retry: { maxAgeMs: 2.5 * 3_600_000 } })
    await worker.idle()
    // Tries at 0, 1 h, 2 h and 2.5 h: the last park is cut to the deadline.
    expect(standIn.requests).toHaveLength(4)
    expect(events.retried.map((e) => e.delayMs)).toEqual([3_600_000, 3_600_000, 1_800_000])
    const [letter] = await queue.deadLetters()
    expect(letter!.reason).toMatch(/^gave up after 4 attempts over 3 h; last error: Missive API rate limit hit \(429\)/)
    expect(letter!.failedAt.getTime() - start).toBe(2.5 * 3_600_000)
  })

  it('keeps an outcome the disk could not take and records it once it can: not lost, not sent twice, no restart', async () => {
    // The disk fills up right after Missive accepted the first post.
    const side = new Database(join(dir, 'queue.sqlite'))
    let full = false
    standIn.handler = () => {
      if (!full) {
        full = true
        side.exec(`
          CREATE TRIGGER full BEFORE UPDATE ON posts BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;
          CREATE TRIGGER full_meta BEFORE INSERT ON meta BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;
          CREATE TRIGGER full_lanes BEFORE UPDATE ON lanes BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;
        `)
      }
      return undefined
    }
    await enqueue([post('full', 'accepted while the disk filled')])
    await enqueue([post('full', 'the next in its conversation')])
    const worker = startWorker()
    await vi.waitFor(() => expect(logLines.some((line) => line.includes('could not record what Missive answered'))).toBe(true))
    // Still in flight, and nothing overtakes it; /readyz would say why.
    expect(await queue.stats()).toEqual({ pending: 1, inFlight: 1, deadLetters: 0 })
    expect((await queue.ready()).ready).toBe(false)
    side.exec('DROP TRIGGER full; DROP TRIGGER full_meta; DROP TRIGGER full_lanes')
    side.close()
    await worker.idle()
    expect(texts(standIn.created)).toEqual(['accepted while the disk filled', 'the next in its conversation'])
    expect(events.delivered).toHaveLength(2)
    expect((await queue.ready()).ready).toBe(true)
  })
})
