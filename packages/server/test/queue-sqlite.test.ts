import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import Database from 'better-sqlite3'
import { MISSIVE_RATE_LIMITS } from '../src/delivery/rate-limiter.ts'
import { QueueLockedError } from '../src/queue/errors.ts'
import { SQLITE_MIGRATIONS } from '../src/queue/sqlite/migrations.ts'
import { DEDUPE_WINDOW_MS, openSqliteQueue, type SqliteQueue } from '../src/queue/sqlite/queue.ts'
import type { FlushFile } from '../src/queue/sqlite/wal-sync.ts'
import type { QueuedPost } from '../src/queue/types.ts'
import { delivery, describeQueueBackend, post } from './helpers/describe-queue-backend.ts'
import { sqliteBackend } from './helpers/queue-backends.ts'

describeQueueBackend(sqliteBackend)

const dirs: string[] = []
const queues: SqliteQueue[] = []

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'queue-test-'))
  dirs.push(dir)
  return dir
}

async function open(dir: string, options: Omit<Parameters<typeof openSqliteQueue>[0], 'dataDir'> = {}): Promise<SqliteQueue> {
  const queue = await openSqliteQueue({ dataDir: dir, ...options })
  queues.push(queue)
  return queue
}

afterEach(async () => {
  for (const queue of queues.splice(0)) await queue.close()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const claimAll = (queue: SqliteQueue, now = Date.now()) => queue.claim({ now, limit: 100, limits: MISSIVE_RATE_LIMITS })

describe('SqliteQueue files', () => {
  it('creates DATA_DIR 0700 and the queue file 0600 (they hold Missive tokens)', async () => {
    const dir = join(dataDir(), 'nested', 'data')
    const queue = await open(dir)
    await queue.enqueue(delivery('github:1', [post('a')]))
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(statSync(join(dir, 'queue.sqlite')).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'queue.lock')).mode & 0o777).toBe(0o600)
  })

  it('refuses a second server on the same DATA_DIR, and says why', async () => {
    const dir = dataDir()
    await open(dir)
    const second = await openSqliteQueue({ dataDir: dir }).catch((error: unknown) => error)
    expect(second).toBeInstanceOf(QueueLockedError)
    expect((second as Error).message).toMatch(
      /another missive-integrations server is already running on DATA_DIR .*two servers on one queue file would post every webhook twice.*DATABASE_URL/,
    )
  })

  it('lets the CLI open the file next to the server without taking back the server’s posts in flight', async () => {
    const dir = dataDir()
    const server = await open(dir)
    await server.enqueue(delivery('t1', [post('a')]))
    const [claimed] = await claimAll(server)
    // `missive-integrations replay` while the server delivers: it must not make the post claimable again.
    const tool = await open(dir, { role: 'tool' })
    expect(await tool.replay('all')).toBe(0)
    await tool.close()
    expect(await claimAll(server)).toEqual([])
    expect(await server.stats()).toEqual({ pending: 0, inFlight: 1, deadLetters: 0 })
    await server.complete(claimed!)
  })

  it('gives the pages of pruned posts back to the file system, and keeps the log small', async () => {
    let now = 1_700_000_000_000
    const dir = dataDir()
    const queue = await open(dir, { now: () => now })
    const big = 'x'.repeat(4_000)
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(Array.from({ length: 50 }, (_, i) => queue.enqueue(delivery(`big-${batch}-${i}`, [post(`r-${batch}-${i}`, big)]))))
    }
    for (;;) {
      const claimed = await queue.claim({ now, limit: 100, limits: { concurrency: 1_000, windows: [], marginMs: 0 } })
      if (claimed.length === 0) break
      for (const item of claimed) await queue.complete(item)
    }
    const file = join(dir, 'queue.sqlite')
    queue.prune()
    const full = statSync(file).size
    expect(full).toBeGreaterThan(4_000_000)
    now += DEDUPE_WINDOW_MS + 1
    queue.prune()
    expect(statSync(file).size).toBeLessThan(full / 10)
    expect(statSync(`${file}-wal`).size).toBeLessThanOrEqual(4 * 1024 * 1024)
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
    const queue = await open(dataDir(), { flush })
    let woke = 0
    queue.onWork(() => woke++)
    let answered: unknown
    void queue.enqueue(delivery('github:1', [post('a')])).then((result) => (answered = result))
    await tick()
    // Committed (a kill -9 now loses nothing) but not yet flushed: no answer, no work.
    expect(pending).toHaveLength(1)
    expect(answered).toBeUndefined()
    expect(woke).toBe(0)
    pending[0]!(null)
    await tick()
    expect(answered).toMatchObject({ status: 'queued', queued: 1 })
    expect(queue.commits).toBe(1)
    expect(woke).toBe(1)

    let claimed: QueuedPost[] | undefined
    void claimAll(queue).then((items) => (claimed = items))
    await tick()
    expect(claimed).toBeUndefined()
    pending[1]!(null)
    await tick()
    expect(claimed?.map((item) => item.post.text)).toEqual(['a'])

    let completed = false
    void queue.complete(claimed![0]!).then(() => (completed = true))
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
    const queue = await open(dataDir(), { flush })
    const first = queue.enqueue(delivery('github:1', [post('a')]))
    await tick()
    pending[0]!(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }))
    await expect(first).rejects.toThrow("could not flush the queue's write-ahead log to disk")
    expect(await queue.ready()).toMatchObject({ ready: false, reason: expect.stringMatching(/could not flush/) })
    await expect(queue.enqueue(delivery('github:2', [post('b')]))).rejects.toThrow("could not flush the queue's write-ahead log to disk")
  })
})

describe('SqliteQueue upgrades', () => {
  function oldFile(dir: string, now: number): void {
    const old = new Database(join(dir, 'queue.sqlite'))
    old.pragma('journal_mode = WAL')
    // A file as a version-1 server left it: that version's own step, and nothing after it.
    void SQLITE_MIGRATIONS.find((migration) => migration.version === 1)!.up(old)
    old.pragma('user_version = 1')
    old.prepare('INSERT INTO deliveries VALUES (?, ?)').run('github:old', now - 1000)
    const insert = old.prepare(
      `INSERT INTO posts (delivery_key, seq, order_key, provider, event, token, body, state, is_head, attempts, next_attempt_at, created_at, updated_at)
       VALUES ('github:old', ?, ?, 'github', 'push', 'token-a', ?, ?, ?, ?, ?, ?, ?)`,
    )
    // A post a version-1 server had in flight when it stopped (its second attempt: one had failed), and one waiting behind it.
    insert.run(0, 'reference:a', JSON.stringify(post('a', 'in flight')), 'in_flight', 0, 1, now - 1000, now - 1000, now - 1000)
    insert.run(1, 'reference:a', JSON.stringify(post('a', 'behind')), 'pending', 0, 0, now - 1000, now - 1000, now - 1000)
    old.close()
  }

  it('upgrades a version 1 file, keeping its dedupe keys and posts, and sends again what it had in flight', async () => {
    const dir = dataDir()
    const now = Date.now()
    oldFile(dir, now)
    const queue = await open(dir)
    expect((await queue.enqueue(delivery('github:old', [post('a')]))).status).toBe('duplicate')
    expect((await queue.enqueue(delivery('github:new', [post('b')]))).status).toBe('queued')
    const claimed = await claimAll(queue)
    expect(claimed.map((item) => [item.post.text, item.attempt, item.resumed])).toEqual([
      ['in flight', 3, true],
      ['b', 1, false],
    ])
    await queue.complete(claimed[0]!)
    expect((await claimAll(queue)).map((item) => item.post.text)).toEqual(['behind'])
    await queue.close()
    const check = new Database(join(dir, 'queue.sqlite'), { readonly: true })
    expect(check.pragma('user_version', { simple: true })).toBe(4)
    expect(check.pragma('auto_vacuum', { simple: true })).toBe(2)
    expect(check.prepare("SELECT name FROM sqlite_master WHERE name IN ('posts_state', 'deliveries_v1')").all()).toEqual([])
    check.close()
  })

  it('refuses a file written by a newer server', async () => {
    const dir = dataDir()
    const newer = new Database(join(dir, 'queue.sqlite'))
    newer.pragma('user_version = 99')
    newer.close()
    await expect(openSqliteQueue({ dataDir: dir })).rejects.toThrow(
      /queue.sqlite has schema version 99, newer than this server knows \(4\); upgrade the server/,
    )
    // The lock went with the failed open: a fixed server can start.
    const db = new Database(join(dir, 'queue.sqlite'))
    db.pragma('user_version = 0')
    db.close()
    await open(dir)
  })
})
