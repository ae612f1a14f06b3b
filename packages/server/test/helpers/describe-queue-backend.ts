// The queue backends' conformance suite: every backend runs it (SQLite always, PostgreSQL when
// DATABASE_URL is set, and always in CI), so that the HTTP layer and the worker can count on the
// same semantics whichever backend a server runs on.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { BurstPlan, MissivePost } from '@missive-integrations/core'
import { rateLimits, type RateLimits } from '../../src/delivery/rate-limiter.ts'
import { DEDUPE_WINDOW_MS } from '../../src/queue/dedupe.ts'
import { MAX_POSTS_PER_WEBHOOK, TooManyPostsError } from '../../src/queue/errors.ts'
import type { EnqueueRequest, QueuedPost } from '../../src/queue/types.ts'
import { useStandInWorkers } from './stand-in-workers.ts'
import type { BackendFactory, Store, TestQueue } from './queue-backends.ts'

/** Roomy limits: a claim is bounded by its own `limit` only, unless a test says otherwise. */
const ROOMY: RateLimits = rateLimits({ concurrency: 1_000, windows: [{ limit: 10_000, windowMs: 60_000 }], marginMs: 0 })

export function post(reference: string, text = reference): MissivePost {
  return { username: 'Test', username_icon: 'https://example.com/i.png', notification: { title: 't', body: text }, references: [reference], text }
}

export function delivery(key: string, posts: MissivePost[], token = 'token-a'): EnqueueRequest {
  return { provider: 'github', event: 'push', dedupeKey: key, token, posts }
}

function idsOf(result: Awaited<ReturnType<TestQueue['enqueue']>>): string[] {
  if (result.status !== 'queued') throw new Error('expected the delivery to be queued')
  return result.ids
}

const texts = (items: QueuedPost[]) => items.map((item) => item.post.text)

export function describeQueueBackend(factory: BackendFactory): void {
  describe(`queue backend: ${factory.name}`, () => {
    let store: Store
    beforeEach(async () => {
      store = await factory.store()
    })
    afterEach(async () => {
      await store.destroy()
    })

    const claimAll = (queue: TestQueue, now = Date.now(), limits = ROOMY) => queue.claim({ now, limit: 100, limits })

    it('keeps pending posts across close and reopen', async () => {
      const first = await store.open()
      expect(await first.enqueue(delivery('github:1', [post('a'), post('b')]))).toEqual({
        status: 'queued',
        queued: 2,
        ids: [expect.any(String), expect.any(String)],
      })
      await first.close()
      const second = await store.open()
      expect(await second.stats()).toEqual({ pending: 2, inFlight: 0, deadLetters: 0 })
      const [claimed] = await claimAll(second)
      expect(claimed).toMatchObject({ provider: 'github', event: 'push', token: 'token-a', attempt: 1, resumed: false, post: post('a') })
      expect(await second.stats()).toEqual({ pending: 1, inFlight: 1, deadLetters: 0 })
    })

    it('commits many concurrent enqueues in a few transactions, all of them resolved', async () => {
      const queue = await store.open()
      const results = await Promise.all(Array.from({ length: 500 }, (_, i) => queue.enqueue(delivery(`rollbar:${i}`, [post(`item-${i}`)]))))
      expect(results.every((result) => result.status === 'queued')).toBe(true)
      expect(queue.commits).toBeLessThanOrEqual(10)
      expect((await queue.stats()).pending).toBe(500)
    })

    it('answers a dedupe key seen within 24 h as a duplicate, and queues it again after', async () => {
      let now = 1_700_000_000_000
      const queue = await store.open({ now: () => now })
      expect(await queue.seen('github:abc')).toBe(false)
      expect((await queue.enqueue(delivery('github:abc', [post('a')]))).status).toBe('queued')
      now += DEDUPE_WINDOW_MS - 1
      expect(await queue.seen('github:abc')).toBe(true)
      expect(await queue.seen('github:other')).toBe(false)
      expect(await queue.enqueue(delivery('github:abc', [post('a')]))).toEqual({ status: 'duplicate', queued: 0 })
      now += 2
      expect(await queue.seen('github:abc')).toBe(false)
      expect((await queue.enqueue(delivery('github:abc', [post('a')]))).status).toBe('queued')
    })

    it('treats the same dedupe key twice in one batch as a duplicate', async () => {
      const queue = await store.open()
      const [first, second] = await Promise.all([queue.enqueue(delivery('github:same', [post('a')])), queue.enqueue(delivery('github:same', [post('a')]))])
      expect(first?.status).toBe('queued')
      expect(second).toEqual({ status: 'duplicate', queued: 0 })
      expect((await queue.stats()).pending).toBe(1)
    })

    it('remembers dedupe keys and delivered posts across a restart, then prunes them after 24 h', async () => {
      let now = 1_700_000_000_000
      const first = await store.open({ now: () => now })
      await first.enqueue(delivery('github:1', [post('a')]))
      const [claimed] = await first.claim({ now, limit: 1, limits: ROOMY })
      await first.complete(claimed!)
      await first.close()

      const second = await store.open({ now: () => now })
      expect((await second.enqueue(delivery('github:1', [post('a')]))).status).toBe('duplicate')
      expect(await second.stats()).toEqual({ pending: 0, inFlight: 0, deadLetters: 0 })
      now += DEDUPE_WINDOW_MS + 1
      await second.prune()
      expect((await second.enqueue(delivery('github:1', [post('a')]))).status).toBe('queued')
    })

    it(`refuses a webhook of more than ${MAX_POSTS_PER_WEBHOOK} posts with a 422 that says why, and queues nothing`, async () => {
      const queue = await store.open()
      const posts = Array.from({ length: MAX_POSTS_PER_WEBHOOK + 1 }, (_, i) => post(`r-${i}`))
      const refused = await queue.enqueue(delivery('github:many', posts)).catch((error: unknown) => error)
      expect(refused).toBeInstanceOf(TooManyPostsError)
      expect(refused).toMatchObject({ status: 422, code: 'too_many_posts' })
      expect((refused as Error).message).toMatch(new RegExp(`produced ${MAX_POSTS_PER_WEBHOOK + 1} posts; the queue takes at most ${MAX_POSTS_PER_WEBHOOK}`))
      expect(await queue.stats()).toEqual({ pending: 0, inFlight: 0, deadLetters: 0 })
      // Refused, not recorded: the sender's fixed redelivery is not a duplicate.
      expect(await queue.seen('github:many')).toBe(false)
      expect((await queue.enqueue(delivery('github:many', posts.slice(0, MAX_POSTS_PER_WEBHOOK)))).status).toBe('queued')
    })

    it('hands out only the head of each order key, in arrival order', async () => {
      const queue = await store.open()
      await queue.enqueue(delivery('d1', [post('conv-1', 'first')]))
      await queue.enqueue(delivery('d2', [post('conv-1', 'second')]))
      await queue.enqueue(delivery('d3', [post('conv-2', 'other')]))
      await queue.enqueue(delivery('d4', [{ ...post('ignored', 'by id'), conversation: 'c-9' }]))

      const now = Date.now()
      const first = await claimAll(queue, now)
      expect(texts(first)).toEqual(['first', 'other', 'by id'])
      expect(await claimAll(queue, now)).toEqual([])

      // A retry keeps blocking the later post of its conversation until it succeeds.
      await queue.retry(first[0]!, { nextAttemptAt: now + 1_000, firstErrorAt: now, error: 'boom', httpStatus: 500 })
      expect(await claimAll(queue, now)).toEqual([])
      expect(await queue.nextAttemptAfter(now, ROOMY)).toBe(now + 1_000)
      const retried = await claimAll(queue, now + 1_000)
      expect(retried.map((item) => [item.post.text, item.attempt, item.firstErrorAt, item.resumed])).toEqual([['first', 2, now, false]])
      await queue.complete(retried[0]!)
      expect(texts(await claimAll(queue, now + 1_000))).toEqual(['second'])
    })

    it('sends follow-ups only after their delivery’s first post is delivered, with the conversation it landed in', async () => {
      const queue = await store.open()
      const ids = idsOf(await queue.enqueue(delivery('push-1', [post('push', 'push'), post('other-conv', 'mention')])))
      const now = Date.now()
      const first = await claimAll(queue, now)
      expect(texts(first)).toEqual(['push'])
      expect(await claimAll(queue, now)).toEqual([])
      await queue.complete(first[0]!, { conversation: 'conversation-9' })
      const followUps = await claimAll(queue, now)
      expect(followUps.map((item) => [item.id, item.parentConversation])).toEqual([[ids[1], 'conversation-9']])
    })

    it('dead-letters follow-ups with their first post, lists them, and replays both', async () => {
      const queue = await store.open()
      const ids = idsOf(await queue.enqueue(delivery('push-2', [post('push'), post('other')])))
      const [first] = await claimAll(queue)
      expect(await queue.deadLetter(first!, { reason: 'Missive API refused the post with 422', httpStatus: 422 })).toEqual([ids[1]])
      expect(await queue.stats()).toEqual({ pending: 0, inFlight: 0, deadLetters: 2 })

      const letters = await queue.deadLetters()
      expect(letters.map((letter) => letter.id).sort()).toEqual([...ids].sort())
      const own = letters.find((letter) => letter.id === ids[0])
      expect(own).toMatchObject({ provider: 'github', event: 'push', reason: 'Missive API refused the post with 422', httpStatus: 422, attempts: 1 })
      expect(own?.post).toEqual(post('push'))
      expect(letters.find((letter) => letter.id === ids[1])?.reason).toMatch(/first post of its delivery/)

      // Replaying the follow-up alone brings back the first post it waits for.
      expect(await queue.replay([ids[1]!])).toBe(2)
      expect(await queue.stats()).toEqual({ pending: 2, inFlight: 0, deadLetters: 0 })
      const [again] = await claimAll(queue)
      expect(again).toMatchObject({ id: ids[0], attempt: 1, firstErrorAt: undefined })
    })

    it('lists and replays dead letters from another process (the CLI next to a server), ignoring unknown ids', async () => {
      const queue = await store.open()
      await queue.enqueue(delivery('x1', [post('a')]))
      await queue.enqueue(delivery('x2', [post('b')]))
      for (const item of await claimAll(queue)) await queue.deadLetter(item, { reason: 'nope', httpStatus: 400 })
      let woke = 0
      queue.onWork(() => woke++)
      const tool = await store.open({ role: 'tool' })
      expect((await tool.deadLetters()).map((letter) => letter.post.text).sort()).toEqual(['a', 'b'])
      expect(await tool.replay(['999999', 'not-a-number'])).toBe(0)
      expect(await tool.replay('all')).toBe(2)
      await tool.close()
      expect((await queue.stats()).pending).toBe(2)
      // PostgreSQL wakes every instance (NOTIFY); a SQLite server sees another process's replay at its next poll.
      if (factory.name === 'postgres') await vi.waitFor(() => expect(woke).toBeGreaterThan(0))
      expect(texts(await claimAll(queue)).sort()).toEqual(['a', 'b'])
    })

    it('claims a post again, flagged resumed, when the process that claimed it died — and not before', async () => {
      let now = 1_700_000_000_000
      const first = await store.open({ now: () => now })
      await first.enqueue(delivery('c1', [post('same', 'one')]))
      await first.enqueue(delivery('c2', [post('same', 'two')]))
      await first.enqueue(delivery('c3', [post('elsewhere', 'three')]))
      const claimed = await first.claim({ now, limit: 10, limits: ROOMY })
      expect(texts(claimed)).toEqual(['one', 'three'])
      await first.complete(claimed[1]!)
      const { queue: survivor, claimableAt } = await store.afterCrash(first, now, { now: () => now })
      expect(await survivor.stats()).toEqual({ pending: 1, inFlight: 1, deadLetters: 0 })
      if (claimableAt > now) {
        expect(await survivor.claim({ now: claimableAt - 1, limit: 10, limits: ROOMY })).toEqual([])
        expect(await survivor.nextAttemptAfter(now, ROOMY)).toBe(claimableAt)
      }
      now = claimableAt
      const again = await survivor.claim({ now, limit: 10, limits: ROOMY })
      expect(again.map((item) => [item.post.text, item.attempt, item.resumed])).toEqual([['one', 2, true]])
      // Still first in its conversation: what waits behind it still waits.
      expect(await survivor.claim({ now, limit: 10, limits: ROOMY })).toEqual([])
      await survivor.complete(again[0]!)
      expect(texts(await survivor.claim({ now, limit: 10, limits: ROOMY }))).toEqual(['two'])
    })

    it('lets only the latest attempt retry or dead-letter a post, and records a late success from any', async () => {
      let now = 1_700_000_000_000
      const first = await store.open({ now: () => now })
      await first.enqueue(delivery('f1', [post('fenced', 'fenced')]))
      const [stale] = await first.claim({ now, limit: 1, limits: ROOMY })
      const { queue, claimableAt } = await store.afterCrash(first, now, { now: () => now })
      now = claimableAt
      const [current] = await queue.claim({ now, limit: 1, limits: ROOMY })
      expect(current).toMatchObject({ id: stale!.id, attempt: 2, resumed: true })
      // The first attempt's process was only slow: its failure no longer decides anything.
      await queue.retry(stale!, { nextAttemptAt: now, firstErrorAt: now, error: 'late', httpStatus: 500 })
      expect(await queue.deadLetter(stale!, { reason: 'late', httpStatus: 400 })).toEqual([])
      expect(await queue.stats()).toEqual({ pending: 0, inFlight: 1, deadLetters: 0 })
      // But if it reached Missive, the post exists: recorded, whichever attempt says so.
      await queue.complete(stale!)
      expect(await queue.stats()).toEqual({ pending: 0, inFlight: 0, deadLetters: 0 })
      await queue.retry(current!, { nextAttemptAt: now, firstErrorAt: now, error: 'too late', httpStatus: 500 })
      expect(await queue.claim({ now, limit: 1, limits: ROOMY })).toEqual([])
    })

    it('never claims more than a token’s lane allows: requests at once and every window', async () => {
      let now = 1_700_000_000_000
      const queue = await store.open({ now: () => now })
      for (let i = 0; i < 12; i++) await queue.enqueue(delivery(`l-${i}`, [post(`lane-${i}`)], 'token-a'))
      await queue.enqueue(delivery('l-other', [post('other-token')], 'token-b'))
      const limits = rateLimits({ concurrency: 3, windows: [{ limit: 5, windowMs: 1_000 }], marginMs: 0 })

      const first = await queue.claim({ now, limit: 100, limits })
      expect(first.filter((item) => item.token === 'token-a')).toHaveLength(3)
      expect(texts(first.filter((item) => item.token === 'token-b'))).toEqual(['other-token'])
      expect(await queue.claim({ now, limit: 100, limits })).toEqual([])
      for (const item of first) await queue.complete(item)
      // Concurrency frees up, but the window holds 5: 2 more now.
      expect(await queue.claim({ now, limit: 100, limits })).toHaveLength(2)
      now += 500
      expect(await queue.claim({ now, limit: 100, limits })).toEqual([])
      expect(await queue.nextAttemptAfter(now, limits)).toBe(now - 500 + 1_001)
      now += 501
      expect(await queue.claim({ now, limit: 100, limits })).toHaveLength(1)
    })

    it('pauses a token’s lane after a 429 until its Retry-After, for that token only', async () => {
      const now = 1_700_000_000_000
      const queue = await store.open({ now: () => now })
      await queue.enqueue(delivery('p1', [post('p-1')], 'token-a'))
      await queue.enqueue(delivery('p2', [post('p-2')], 'token-a'))
      const [limited] = await queue.claim({ now, limit: 1, limits: ROOMY })
      await queue.retry(limited!, { nextAttemptAt: now + 30_000, firstErrorAt: now, error: '429', httpStatus: 429, pauseTokenUntil: now + 30_000 })
      await queue.enqueue(delivery('p3', [post('p-3')], 'token-b'))
      expect(texts(await queue.claim({ now: now + 1_000, limit: 10, limits: ROOMY }))).toEqual(['p-3'])
      expect(await queue.nextAttemptAfter(now + 1_000, ROOMY)).toBe(now + 30_000)
      expect(texts(await queue.claim({ now: now + 30_000, limit: 10, limits: ROOMY }))).toEqual(['p-1', 'p-2'])
    })

    it('serves the least recently served token first, so that one backlog cannot starve another', async () => {
      const now = 1_700_000_000_000
      const queue = await store.open({ now: () => now })
      for (let i = 0; i < 6; i++) await queue.enqueue(delivery(`a-${i}`, [post(`a-${i}`)], 'token-a'))
      for (let i = 0; i < 2; i++) await queue.enqueue(delivery(`b-${i}`, [post(`b-${i}`)], 'token-b'))
      const tokens: string[] = []
      for (let round = 0; round < 4; round++) tokens.push(...(await queue.claim({ now: now + round, limit: 1, limits: ROOMY })).map((item) => item.token))
      expect(tokens.filter((token) => token === 'token-b')).toHaveLength(2)
      expect(new Set(tokens.slice(0, 2))).toEqual(new Set(['token-a', 'token-b']))
    })

    it('answers /readyz not ready after a failed commit (a full disk), and ready again once a commit succeeds', async () => {
      const queue = await store.open()
      expect(await queue.ready()).toEqual({ ready: true, backend: factory.name })
      const restore = await store.failWrites()
      await expect(queue.enqueue(delivery('full-1', [post('a')]))).rejects.toThrow(/full|No space left/)
      const readiness = await queue.ready()
      expect(readiness).toMatchObject({ ready: false, backend: factory.name })
      expect(readiness.reason).toMatch(/the last commit failed: .*(full|No space left)/)
      // The sender retries the refused webhook later: it was not recorded as seen.
      expect(await queue.seen('full-1')).toBe(false)
      await restore()
      expect(await queue.ready()).toEqual({ ready: true, backend: factory.name })
      expect((await queue.enqueue(delivery('full-1', [post('a')]))).status).toBe('queued')
    })

    it('is not ready once closed, rejects work, and commits what was waiting on close', async () => {
      const queue = await store.open()
      const waiting = queue.enqueue(delivery('late', [post('a')]))
      await queue.close()
      expect((await waiting).status).toBe('queued')
      expect(await queue.ready()).toMatchObject({ ready: false, reason: 'the queue is closed' })
      await expect(queue.enqueue(delivery('later', [post('a')]))).rejects.toThrow(/closed/)
      const reopened = await store.open()
      expect((await reopened.stats()).pending).toBe(1)
    })

    describe('burst digests', () => {
      const WINDOW = 60_000
      /** A plan whose digest says how many it folded and which webhooks: enough to see every count. */
      const burst = (reference: string, name: string, limit = 2): BurstPlan => ({
        limit,
        windowMs: WINDOW,
        fold: (previous, at) => {
          const names = [...((previous?.data as string[] | undefined) ?? []), name]
          const state = { count: (previous?.count ?? 0) + 1, first: previous?.first ?? at, last: at, events: {}, data: names }
          return { state, post: post(reference, `digest of ${state.count}: ${names.join(' ')}`) }
        },
      })
      const webhook = (reference: string, n: number, token = 'token-a', limit = 2) => ({
        ...delivery(`rollbar:${reference}:${n}`, [post(reference, `${reference} #${n}`)], token),
        burst: burst(reference, `#${n}`, limit),
      })

      it('sends a conversation’s first posts of a window, folds the rest into one digest post due when the window ends', async () => {
        let now = 1_700_000_000_000
        const queue = await store.open({ now: () => now })
        const results = []
        for (let n = 1; n <= 5; n++) {
          results.push(await queue.enqueue(webhook('item-1', n)))
          now += 1_000
        }
        expect(results.slice(0, 2).map((result) => [result.status, result.queued])).toEqual([
          ['queued', 1],
          ['queued', 1],
        ])
        expect(results.slice(2)).toEqual([0, 0, 0].map(() => ({ status: 'queued', queued: 0, ids: [], folded: 1 })))
        // Folded webhooks are committed: a redelivery is a duplicate.
        expect(await queue.enqueue(webhook('item-1', 4))).toEqual({ status: 'duplicate', queued: 0 })
        expect((await queue.stats()).pending).toBe(3)

        const start = 1_700_000_000_000
        const first = await claimAll(queue, now)
        expect(texts(first)).toEqual(['item-1 #1'])
        await queue.complete(first[0]!)
        const second = await claimAll(queue, now)
        expect(texts(second)).toEqual(['item-1 #2'])
        await queue.complete(second[0]!)
        // The digest waits for its window's end.
        expect(await claimAll(queue, start + WINDOW - 1)).toEqual([])
        expect(await queue.nextAttemptAfter(now, ROOMY)).toBe(start + WINDOW)
        const digest = await claimAll(queue, start + WINDOW)
        expect(digest).toMatchObject([{ event: 'digest', provider: 'github', token: 'token-a' }])
        expect(texts(digest)).toEqual(['digest of 3: #3 #4 #5'])
        await queue.complete(digest[0]!)

        // The next window starts afresh.
        now = start + WINDOW + 5_000
        expect((await queue.enqueue(webhook('item-1', 6))).queued).toBe(1)
        expect(texts(await claimAll(queue, now))).toEqual(['item-1 #6'])
      })

      it('keeps a window per conversation and per token', async () => {
        const now = 1_700_000_000_000
        const queue = await store.open({ now: () => now })
        const outcomes = []
        for (let n = 1; n <= 3; n++) {
          outcomes.push((await queue.enqueue(webhook('item-1', n))).queued)
          outcomes.push((await queue.enqueue(webhook('item-2', n))).queued)
          outcomes.push((await queue.enqueue({ ...webhook('item-1', n, 'token-b'), dedupeKey: `b:${n}` })).queued)
        }
        expect(outcomes).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 0])
        expect((await queue.stats()).pending).toBe(9)
      })

      it('starts a new digest when the window’s digest is already out, so no count is lost', async () => {
        let now = 1_700_000_000_000
        const queue = await store.open({ now: () => now })
        await queue.enqueue(webhook('item-1', 1, 'token-a', 0))
        // Limit 0 would mean "digests off" to core; for the queue it folds from the first.
        const first = await claimAll(queue, now + WINDOW)
        expect(texts(first)).toEqual(['digest of 1: #1'])
        // The digest is in flight (claimed with a clock a little ahead of this one): a new digest, due at the same window end.
        now += 1_000
        expect(await queue.enqueue(webhook('item-1', 2, 'token-a', 0))).toMatchObject({ folded: 1 })
        await queue.complete(first[0]!)
        expect(texts(await claimAll(queue, now + WINDOW))).toEqual(['digest of 1: #2'])
      })

      it('keeps folded counts across a restart', async () => {
        const now = 1_700_000_000_000
        const first = await store.open({ now: () => now })
        for (let n = 1; n <= 4; n++) await first.enqueue(webhook('item-1', n))
        await first.close()
        const queue = await store.open({ now: () => now })
        for (let n = 5; n <= 6; n++) expect(await queue.enqueue(webhook('item-1', n))).toMatchObject({ folded: 1 })
        const sent: string[] = []
        for (let round = 0; round < 3; round++) {
          for (const item of await claimAll(queue, now + WINDOW)) {
            sent.push(item.post.text!)
            await queue.complete(item)
          }
        }
        expect(sent).toEqual(['item-1 #1', 'item-1 #2', 'digest of 4: #3 #4 #5 #6'])
      })
    })

    describe('with a delivery worker and a Missive stand-in', () => {
      const missive = useStandInWorkers()
      const startWorker = (queue: TestQueue, limits: Partial<RateLimits> = {}) => missive.startWorker(queue, { limits })

      it('delivers every post once, in order per conversation, follow-ups after their first post, 5 at once per token', async () => {
        missive.standIn.handler = () => ({ status: 201, delayMs: 5 + Math.floor(Math.random() * 20) })
        const queue = await store.open()
        const expected: string[] = []
        for (let i = 0; i < 40; i++) {
          const own = post(`conv-${i % 4}`, `conv-${i % 4} #${i}`)
          const posts = i % 5 === 0 ? [own, post(`mentioned-${i}`, `follow-up of #${i}`)] : [own]
          expected.push(...posts.map((p) => p.text!))
          await queue.enqueue(delivery(`w-${i}`, posts, i % 2 === 0 ? 'token-a' : 'token-b'))
        }
        const worker = startWorker(queue)
        await worker.idle()
        const sent = missive.standIn.accepted.map((request) => request.body.posts.text!)
        expect([...sent].sort()).toEqual([...expected].sort())
        expect(missive.standIn.requests).toHaveLength(expected.length)
        for (let conv = 0; conv < 4; conv++) {
          expect(sent.filter((text) => text.startsWith(`conv-${conv} `))).toEqual(expected.filter((text) => text.startsWith(`conv-${conv} `)))
        }
        for (const request of missive.standIn.requests.filter((r) => r.body.posts.text?.startsWith('follow-up'))) {
          const n = request.body.posts.text!.split('#')[1]!
          const first = missive.standIn.requests.find((r) => r.body.posts.text === `conv-${Number(n) % 4} #${n}`)!
          expect(first.index).toBeLessThan(request.index)
        }
        expect(missive.standIn.maxConcurrent('token-a')).toBeLessThanOrEqual(5)
        expect(await queue.stats()).toEqual({ pending: 0, inFlight: 0, deadLetters: 0 })
      })

      it('waits out a 429’s Retry-After on the whole lane', async () => {
        missive.standIn.replies.push({ status: 429, headers: { 'retry-after': '1' }, body: { error: 'rate limited' } })
        const queue = await store.open()
        await queue.enqueue(delivery('r-1', [post('r-1', 'limited')]))
        await queue.enqueue(delivery('r-2', [post('r-2', 'same lane')]))
        const worker = startWorker(queue, { concurrency: 1 })
        await worker.idle()
        const [limited, ...after] = missive.standIn.requests
        expect(limited?.status).toBe(429)
        expect(after).toHaveLength(2)
        for (const request of after) expect(request.receivedAt - limited!.receivedAt).toBeGreaterThanOrEqual(950)
      })
    })
  })
}
