import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { MissivePost } from '@missive-integrations/core'
import Database from 'better-sqlite3'
import { DEDUPE_WINDOW_MS, openSqliteQueue } from '../src/queue/sqlite-queue.ts'
import type { FlushFile } from '../src/queue/wal-sync.ts'
import type { SqliteQueue } from '../src/queue/sqlite-queue.ts'
import type { EnqueueRequest, QueuedPost } from '../src/queue/types.ts'

const dirs: string[] = []
const queues: SqliteQueue[] = []

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'queue-test-'))
  dirs.push(dir)
  return dir
}

async function open(dir: string, now?: () => number): Promise<SqliteQueue> {
  const queue = await openSqliteQueue({ dataDir: dir, ...(now ? { now } : {}) })
  queues.push(queue)
  return queue
}

afterEach(async () => {
  for (const queue of queues.splice(0)) await queue.close()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function post(reference: string, text = reference): MissivePost {
  return { username: 'Test', username_icon: 'https://example.com/i.png', notification: { title: 't', body: text }, references: [reference], text }
}

function delivery(key: string, posts: MissivePost[], token = 'token-a'): EnqueueRequest {
  return { provider: 'github', event: 'push', dedupeKey: key, token, posts }
}

/** Claim everything claimable now, one at a time in the order the queue gives. */
async function claimAll(queue: SqliteQueue, now = Date.now()): Promise<QueuedPost[]> {
  return queue.claim({ now, limit: 100 })
}

describe('SqliteQueue', () => {
  it('keeps pending posts across close and reopen, in a 0600 file', async () => {
    const dir = dataDir()
    const first = await open(dir)
    const result = await first.enqueue(delivery('github:1', [post('a'), post('b')]))
    expect(result).toEqual({ status: 'queued', queued: 2, ids: [expect.any(String), expect.any(String)] })
    await first.close()

    expect(statSync(join(dir, 'queue.sqlite')).mode & 0o777).toBe(0o600)
    const second = await open(dir)
    expect(await second.stats()).toEqual({ pending: 2, inFlight: 0, deadLetters: 0 })
    const [claimed] = await claimAll(second)
    expect(claimed).toMatchObject({ provider: 'github', event: 'push', token: 'token-a', attempts: 0, post: post('a') })
  })

  it('commits many concurrent enqueues in a few transactions, all of them resolved', async () => {
    const queue = await open(dataDir())
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) => queue.enqueue(delivery(`rollbar:${i}`, [post(`item-${i}`)]))),
    )
    expect(results.every((result) => result.status === 'queued')).toBe(true)
    expect(queue.commits).toBeLessThanOrEqual(5)
    expect((await queue.stats()).pending).toBe(500)
  })

  it('answers a dedupe key seen within 24 h as a duplicate, and queues it again after', async () => {
    let now = 1_700_000_000_000
    const queue = await open(dataDir(), () => now)
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
    const queue = await open(dataDir())
    const [first, second] = await Promise.all([
      queue.enqueue(delivery('github:same', [post('a')])),
      queue.enqueue(delivery('github:same', [post('a')])),
    ])
    expect(first?.status).toBe('queued')
    expect(second).toEqual({ status: 'duplicate', queued: 0 })
  })

  it('remembers dedupe keys and delivered posts across a restart, then prunes them after 24 h', async () => {
    let now = 1_700_000_000_000
    const dir = dataDir()
    const first = await open(dir, () => now)
    await first.enqueue(delivery('github:1', [post('a')]))
    const [claimed] = await first.claim({ now, limit: 1 })
    await first.complete(claimed!.id)
    await first.close()

    const second = await open(dir, () => now)
    expect((await second.enqueue(delivery('github:1', [post('a')]))).status).toBe('duplicate')
    expect(await second.stats()).toEqual({ pending: 0, inFlight: 0, deadLetters: 0 })
    now += DEDUPE_WINDOW_MS + 1
    second.prune()
    expect((await second.enqueue(delivery('github:1', [post('a')]))).status).toBe('queued')
  })

  it('hands out only the head of each order key, in arrival order', async () => {
    const queue = await open(dataDir())
    await queue.enqueue(delivery('d1', [post('conv-1', 'first')]))
    await queue.enqueue(delivery('d2', [post('conv-1', 'second')]))
    await queue.enqueue(delivery('d3', [post('conv-2', 'other')]))
    await queue.enqueue(delivery('d4', [{ ...post('ignored', 'by id'), conversation: 'c-9' }]))

    const now = Date.now()
    const first = await queue.claim({ now, limit: 10 })
    expect(first.map((item) => item.post.text)).toEqual(['first', 'other', 'by id'])
    expect(await queue.claim({ now, limit: 10 })).toEqual([])

    // A retry keeps blocking the later post of its conversation until it succeeds.
    await queue.retry(first[0]!.id, { nextAttemptAt: now + 1_000, firstErrorAt: now, error: 'boom', httpStatus: 500 })
    expect(await queue.claim({ now, limit: 10 })).toEqual([])
    expect(await queue.nextAttemptAfter(now)).toBe(now + 1_000)
    const retried = await queue.claim({ now: now + 1_000, limit: 10 })
    expect(retried.map((item) => [item.post.text, item.attempts, item.firstErrorAt])).toEqual([['first', 1, now]])
    await queue.complete(retried[0]!.id)
    expect((await queue.claim({ now, limit: 10 })).map((item) => item.post.text)).toEqual(['second'])
  })

  it('sends follow-ups only after their delivery’s first post is delivered', async () => {
    const queue = await open(dataDir())
    const result = await queue.enqueue(delivery('push-1', [post('push', 'push'), post('other-conv', 'mention')]))
    const now = Date.now()
    const first = await queue.claim({ now, limit: 10 })
    expect(first.map((item) => item.post.text)).toEqual(['push'])
    expect(await queue.claim({ now, limit: 10 })).toEqual([])
    await queue.complete(first[0]!.id)
    const followUps = await queue.claim({ now, limit: 10 })
    expect(followUps.map((item) => item.id)).toEqual([result.status === 'queued' ? result.ids[1] : ''])
  })

  it('dead-letters follow-ups with their first post, and replays both', async () => {
    const queue = await open(dataDir())
    const result = await queue.enqueue(delivery('push-2', [post('push'), post('other')]))
    const ids = result.status === 'queued' ? result.ids : []
    const [first] = await claimAll(queue)
    expect(await queue.deadLetter(first!.id, { reason: 'Missive API refused the post with 422', httpStatus: 422 })).toEqual([ids[1]])
    expect(await queue.stats()).toEqual({ pending: 0, inFlight: 0, deadLetters: 2 })

    const letters = await queue.deadLetters()
    expect(letters.map((letter) => letter.id).sort()).toEqual([...ids].sort())
    const own = letters.find((letter) => letter.id === ids[0])
    expect(own).toMatchObject({ provider: 'github', event: 'push', reason: 'Missive API refused the post with 422', httpStatus: 422, attempts: 1 })
    expect(own?.post).toEqual(post('push'))

    // Replaying the follow-up alone brings back the first post it waits for.
    expect(await queue.replay([ids[1]!])).toBe(2)
    expect(await queue.stats()).toEqual({ pending: 2, inFlight: 0, deadLetters: 0 })
    const [again] = await claimAll(queue)
    expect(again).toMatchObject({ id: ids[0], attempts: 0, firstErrorAt: undefined })
  })

  it('replays all dead letters and ignores unknown ids', async () => {
    const queue = await open(dataDir())
    await queue.enqueue(delivery('x1', [post('a')]))
    await queue.enqueue(delivery('x2', [post('b')]))
    for (const item of await claimAll(queue)) await queue.deadLetter(item.id, { reason: 'nope', httpStatus: 400 })
    expect(await queue.replay(['999', 'not-a-number'])).toBe(0)
    let woke = 0
    queue.onWork(() => woke++)
    expect(await queue.replay('all')).toBe(2)
    expect(woke).toBe(1)
    expect((await queue.stats()).pending).toBe(2)
  })

  it('puts posts left in flight by a crash back to pending on open', async () => {
    const dir = dataDir()
    const first = await open(dir)
    await first.enqueue(delivery('c1', [post('a')]))
    await first.enqueue(delivery('c2', [post('b')]))
    expect(await claimAll(first)).toHaveLength(2)
    expect(await first.stats()).toEqual({ pending: 0, inFlight: 2, deadLetters: 0 })
    await first.close()

    const second = await open(dir)
    expect(await second.stats()).toEqual({ pending: 2, inFlight: 0, deadLetters: 0 })
  })

  it('skips tokens and honours the worker’s accept, without reordering a key', async () => {
    const queue = await open(dataDir())
    await queue.enqueue(delivery('t1', [post('a')], 'token-a'))
    await queue.enqueue(delivery('t2', [post('b')], 'token-b'))
    await queue.enqueue(delivery('t3', [post('c')], 'token-a'))
    const now = Date.now()
    expect((await queue.claim({ now, limit: 10, skipTokens: ['token-a'] })).map((item) => item.post.text)).toEqual(['b'])
    const refused = await queue.claim({ now, limit: 10, accept: (item) => item.post.text !== 'a' })
    expect(refused.map((item) => item.post.text)).toEqual(['c'])
    expect((await queue.claim({ now, limit: 10 })).map((item) => item.post.text)).toEqual(['a'])
  })

  it('is ready while open, rejects work once closed, and commits what was waiting on close', async () => {
    const dir = dataDir()
    const queue = await openSqliteQueue({ dataDir: dir, batchWindowMs: 50 })
    expect(await queue.ready()).toBe(true)
    const waiting = queue.enqueue(delivery('late', [post('a')]))
    await queue.close()
    expect((await waiting).status).toBe('queued')
    expect(await queue.ready()).toBe(false)
    await expect(queue.enqueue(delivery('later', [post('a')]))).rejects.toThrow(/closed/)
    const reopened = await open(dir)
    expect((await reopened.stats()).pending).toBe(1)
  })
})

describe('SqliteQueue durability', () => {
  /** fdatasync, held until the test lets it finish (or fail). */
  function heldFlush() {
    const pending: Array<(error: NodeJS.ErrnoException | null) => void> = []
    const flush: FlushFile = (_fd, done) => {
      pending.push(done)
    }
    return { flush, pending }
  }
  const tick = () => new Promise((resolve) => setImmediate(resolve))

  it('acknowledges an enqueue, and hands a post to the worker, only once the log is flushed', async () => {
    const { flush, pending } = heldFlush()
    const queue = await openSqliteQueue({ dataDir: dataDir(), flush })
    queues.push(queue)
    let woke = 0
    queue.onWork(() => woke++)
    let answered: unknown
    void queue.enqueue(delivery('github:1', [post('a')])).then((result) => (answered = result))
    await tick()
    // Committed (a kill -9 now loses nothing) but not yet flushed: no answer, no work.
    expect(queue.commits).toBe(1)
    expect(pending).toHaveLength(1)
    expect(answered).toBeUndefined()
    expect(woke).toBe(0)
    pending[0]!(null)
    await tick()
    expect(answered).toMatchObject({ status: 'queued', queued: 1 })
    expect(woke).toBe(1)

    let claimed: QueuedPost[] | undefined
    void queue.claim({ now: Date.now(), limit: 10 }).then((items) => (claimed = items))
    await tick()
    expect(claimed).toBeUndefined()
    pending[1]!(null)
    await tick()
    expect(claimed?.map((item) => item.post.text)).toEqual(['a'])

    let completed = false
    void queue.complete(claimed![0]!.id).then(() => (completed = true))
    await tick()
    expect(completed).toBe(false)
    pending[2]!(null)
    await tick()
    expect(completed).toBe(true)
  })

  it('shares one flush among the webhooks of a burst', async () => {
    const queue = await open(dataDir())
    await Promise.all(Array.from({ length: 200 }, (_, i) => queue.enqueue(delivery(`github:${i}`, [post(`r${i}`)]))))
    expect(queue.flushes).toBeLessThanOrEqual(queue.commits)
    expect(queue.flushes).toBeLessThanOrEqual(3)
  })

  it('stops accepting work after a failed flush: the caller is refused, /readyz turns red', async () => {
    const { flush, pending } = heldFlush()
    const queue = await openSqliteQueue({ dataDir: dataDir(), flush })
    queues.push(queue)
    const first = queue.enqueue(delivery('github:1', [post('a')]))
    await tick()
    pending[0]!(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }))
    await expect(first).rejects.toThrow("could not flush the queue's write-ahead log to disk")
    expect(await queue.ready()).toBe(false)
    await expect(queue.enqueue(delivery('github:2', [post('b')]))).rejects.toThrow("could not flush the queue's write-ahead log to disk")
  })

  it('upgrades a version 1 file, keeping its dedupe keys and posts', async () => {
    const dir = dataDir()
    const now = Date.now()
    const old = new Database(join(dir, 'queue.sqlite'))
    old.pragma('journal_mode = WAL')
    old.exec(`
      CREATE TABLE deliveries (dedupe_key TEXT PRIMARY KEY, received_at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE INDEX deliveries_received_at ON deliveries (received_at);
      CREATE TABLE posts (id INTEGER PRIMARY KEY AUTOINCREMENT, delivery_key TEXT NOT NULL, seq INTEGER NOT NULL,
        order_key TEXT NOT NULL, after_id INTEGER, provider TEXT NOT NULL, event TEXT, token TEXT NOT NULL, body TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'in_flight', 'delivered', 'dead')), is_head INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, first_error_at INTEGER, last_error TEXT,
        http_status INTEGER, conversation_id TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
      CREATE INDEX posts_state ON posts (state, next_attempt_at);
      CREATE INDEX posts_head ON posts (order_key) WHERE is_head = 1;
      CREATE INDEX posts_due ON posts (token, next_attempt_at, id) WHERE is_head = 1 AND state = 'pending';
      CREATE INDEX posts_order_key ON posts (order_key, id) WHERE state IN ('pending', 'in_flight');
      CREATE INDEX posts_after_id ON posts (after_id) WHERE after_id IS NOT NULL;
      CREATE INDEX posts_updated_at ON posts (state, updated_at);
      PRAGMA user_version = 1;
    `)
    old.prepare('INSERT INTO deliveries VALUES (?, ?)').run('github:old', now - 1000)
    old
      .prepare(
        `INSERT INTO posts (delivery_key, seq, order_key, provider, event, token, body, state, is_head, next_attempt_at, created_at, updated_at)
         VALUES ('github:old', 0, 'reference:a', 'github', 'push', 'token-a', ?, 'pending', 1, ?, ?, ?)`,
      )
      .run(JSON.stringify(post('a')), now - 1000, now - 1000, now - 1000)
    old.close()

    const queue = await open(dir)
    expect((await queue.enqueue(delivery('github:old', [post('a')]))).status).toBe('duplicate')
    expect((await queue.enqueue(delivery('github:new', [post('a')]))).status).toBe('queued')
    expect((await claimAll(queue)).map((item) => item.post.text)).toEqual(['a'])
    expect(await queue.stats()).toEqual({ pending: 1, inFlight: 1, deadLetters: 0 })
    await queue.close()
    const check = new Database(join(dir, 'queue.sqlite'), { readonly: true })
    expect(check.pragma('user_version', { simple: true })).toBe(2)
    expect(check.prepare("SELECT name FROM sqlite_master WHERE name IN ('posts_state', 'deliveries_v1')").all()).toEqual([])
    check.close()
  })
})
