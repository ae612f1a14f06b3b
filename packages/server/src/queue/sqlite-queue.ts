import { createHash } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { MissivePost } from '@missive-integrations/core'
import { orderKey } from './order-key.js'
import { WalSync, type FlushFile } from './wal-sync.js'
import type {
  ClaimOptions,
  DeadLetter,
  DeadLetterRequest,
  EnqueueRequest,
  EnqueueResult,
  QueueBackend,
  QueuedPost,
  QueueStats,
  RetryRequest,
} from './types.js'

/** How long a dedupe key and a delivered post's marker are remembered. */
export const DEDUPE_WINDOW_MS = 24 * 60 * 60 * 1000
const PRUNE_EVERY_MS = 10 * 60 * 1000
const SCHEMA_VERSION = 2

export interface SqliteQueueOptions {
  /** The server's data directory; the queue lives in `DATA_DIR/queue.sqlite`. */
  dataDir: string
  /** The clock (ms since the epoch), injectable for tests of the 24 h windows. */
  now?: () => number
  /**
   * How long an enqueue waits for others to share its commit. 0 (the default) commits at the end
   * of the current event-loop turn: every request that arrived in the same turn shares one fsync.
   */
  batchWindowMs?: number
  /** How the write-ahead log is flushed (default fdatasync); for tests of durability and disk failures. */
  flush?: FlushFile
}

/** Open (creating if needed) the embedded queue in `DATA_DIR/queue.sqlite`. */
export async function openSqliteQueue(options: SqliteQueueOptions): Promise<SqliteQueue> {
  return new SqliteQueue(options)
}

interface PostRow {
  id: number
  provider: string
  event: string | null
  token: string
  body: string
  attempts: number
  first_error_at: number | null
  created_at: number
  /** The conversation the delivery's first post landed in, for a follow-up. */
  parent_conversation: string | null
}

interface DeadRow extends PostRow {
  last_error: string | null
  http_status: number | null
  updated_at: number
}

/** An enqueue waiting for its commit: what the rows need, and not the posts themselves. */
interface Waiting {
  dedupeKey: string
  provider: string
  event: string | undefined
  token: string
  /** Each post serialised, and the key it is ordered on. */
  posts: Array<{ body: string; orderKey: string }>
  resolve: (result: EnqueueResult) => void
  reject: (error: unknown) => void
}

/**
 * The embedded durable queue: a SQLite file in WAL mode, and nothing is acknowledged before it is
 * on disk. Enqueues that arrive in the same event-loop turn share one transaction, and every
 * transaction waits for the write-ahead log to be flushed by {@link WalSync} on libuv's thread
 * pool (group commit): the event loop never blocks on an fsync, and one fsync acknowledges every
 * webhook that arrived meanwhile. That is what keeps durable ingest close to the speed of a bare
 * HTTP server.
 *
 * better-sqlite3 is synchronous: every write below reaches the log in the tick it is called in
 * (so a kill -9 right after loses nothing), and the returned promise resolves once it is flushed
 * (so a power cut does not either).
 */
export class SqliteQueue implements QueueBackend {
  readonly path: string
  readonly #db: Database.Database
  readonly #now: () => number
  readonly #batchWindowMs: number
  readonly #events = new EventEmitter()
  readonly #wal: WalSync
  readonly #statements
  readonly #commitBatch: (batch: Waiting[], received: Map<string, number>) => EnqueueResult[]
  #waiting: Waiting[] = []
  #flushScheduled = false
  #closed = false
  #commits = 0
  /**
   * Dedupe keys received in the last 24 h (by {@link dedupeDigest}) and when, oldest first. The
   * table is only appended to (a random-key index would rewrite a random page per webhook);
   * lookups happen here. About 90 bytes a delivery: 100,000 webhooks a day hold some 9 MB.
   */
  readonly #received = new Map<string, number>()
  readonly #pruneTimer: NodeJS.Timeout

  constructor(options: SqliteQueueOptions) {
    this.#now = options.now ?? Date.now
    this.#batchWindowMs = options.batchWindowMs ?? 0
    // The file holds Missive API tokens: only the server's user may read it. SQLite gives the
    // -wal and -shm files the same mode as the database file.
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 })
    this.path = join(options.dataDir, 'queue.sqlite')
    closeSync(openSync(this.path, 'a', 0o600))
    chmodSync(this.path, 0o600)

    const db = new Database(this.path)
    this.#db = db
    db.pragma('journal_mode = WAL')
    // NORMAL: a commit does not fsync on the event loop; WalSync flushes the log before any
    // caller is told its write is done. Checkpoints still fsync the log and the database file.
    db.pragma('synchronous = NORMAL')
    migrate(db)
    this.#events.setMaxListeners(0)

    this.#statements = {
      recordDelivery: db.prepare<[string, number]>('INSERT INTO deliveries (dedupe_key, received_at) VALUES (?, ?)'),
      recentDeliveries: db.prepare<[number], { dedupe_key: string; received_at: number }>(
        'SELECT dedupe_key, received_at FROM deliveries WHERE received_at > ? ORDER BY id',
      ),
      hasActive: db.prepare<[string], { found: number }>(
        "SELECT 1 AS found FROM posts WHERE order_key = ? AND state IN ('pending', 'in_flight') LIMIT 1",
      ),
      insertPost: db.prepare<[string, number, string, number | null, string, string | null, string, string, number, number, number, number]>(
        `INSERT INTO posts (delivery_key, seq, order_key, after_id, provider, event, token, body, state, is_head,
           attempts, next_attempt_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, 0, ?, ?, ?)`,
      ),
      // Tokens with claimable heads, by a loose index scan (one probe per token, not per post).
      headTokens: db.prepare<[], { token: string }>(
        `WITH RECURSIVE t(token) AS (
           SELECT MIN(token) FROM posts INDEXED BY posts_due WHERE is_head = 1 AND state = 'pending'
           UNION ALL
           SELECT (SELECT MIN(token) FROM posts INDEXED BY posts_due
                   WHERE is_head = 1 AND state = 'pending' AND token > t.token)
           FROM t WHERE t.token IS NOT NULL
         ) SELECT token FROM t WHERE token IS NOT NULL`,
      ),
      // A token's due heads, a range scan of posts_due: a backlog that is not due (or belongs to a
      // paused token) costs nothing here. INDEXED BY: without statistics the planner would pick
      // posts_state and walk every pending post.
      dueHeads: db.prepare<[string, number, number], PostRow & { next_attempt_at: number }>(
        `SELECT id, provider, event, token, body, attempts, first_error_at, created_at, next_attempt_at,
           (SELECT parent.conversation_id FROM posts AS parent WHERE parent.id = posts.after_id) AS parent_conversation
         FROM posts INDEXED BY posts_due
         WHERE is_head = 1 AND state = 'pending' AND token = ? AND next_attempt_at <= ?
         ORDER BY next_attempt_at, id LIMIT ?`,
      ),
      orderKeyOf: db.prepare<[number], { order_key: string }>('SELECT order_key FROM posts WHERE id = ?'),
      clearHead: db.prepare('UPDATE posts SET is_head = 0 WHERE order_key = ? AND is_head = 1'),
      firstActive: db.prepare<[string], { id: number; state: string; after_id: number | null }>(
        `SELECT id, state, after_id FROM posts WHERE order_key = ? AND state IN ('pending', 'in_flight')
         ORDER BY id LIMIT 1`,
      ),
      stateOf: db.prepare<[number], { state: string }>('SELECT state FROM posts WHERE id = ?'),
      setHead: db.prepare('UPDATE posts SET is_head = 1 WHERE id = ?'),
      activeOrderKeys: db.prepare<[], { order_key: string }>(
        "SELECT DISTINCT order_key FROM posts WHERE state IN ('pending', 'in_flight')",
      ),
      followUpKeys: db.prepare<[number], { order_key: string }>(
        "SELECT DISTINCT order_key FROM posts WHERE after_id = ? AND state = 'pending'",
      ),
      deadOrderKeys: db.prepare<[], { order_key: string }>("SELECT DISTINCT order_key FROM posts WHERE state = 'dead'"),
      setConversation: db.prepare('UPDATE posts SET conversation_id = ? WHERE id = ?'),
      markInFlight: db.prepare("UPDATE posts SET state = 'in_flight', is_head = 0, updated_at = ? WHERE id = ?"),
      complete: db.prepare(
        "UPDATE posts SET state = 'delivered', is_head = 0, attempts = attempts + 1, last_error = NULL, updated_at = ? WHERE id = ?",
      ),
      retry: db.prepare(
        `UPDATE posts SET state = 'pending', attempts = attempts + 1, next_attempt_at = @nextAttemptAt,
           first_error_at = @firstErrorAt, last_error = @error, http_status = @httpStatus, updated_at = @now
         WHERE id = @id`,
      ),
      deadLetter: db.prepare(
        `UPDATE posts SET state = 'dead', is_head = 0, attempts = attempts + 1, last_error = @reason, http_status = @httpStatus,
           first_error_at = COALESCE(first_error_at, @now), updated_at = @now
         WHERE id = @id`,
      ),
      pendingFollowUps: db.prepare<[number], { id: number }>(
        "SELECT id FROM posts WHERE after_id = ? AND state = 'pending' ORDER BY id",
      ),
      deadFollowUp: db.prepare(
        "UPDATE posts SET state = 'dead', is_head = 0, last_error = ?, first_error_at = COALESCE(first_error_at, ?), updated_at = ? WHERE id = ?",
      ),
      // Only heads can be claimed, so only theirs count (one per busy conversation).
      nextAttemptAfter: db.prepare<[number], { at: number | null }>(
        "SELECT MIN(next_attempt_at) AS at FROM posts INDEXED BY posts_due WHERE is_head = 1 AND state = 'pending' AND next_attempt_at > ?",
      ),
      stats: db.prepare<[], { state: string; count: number }>(
        "SELECT state, COUNT(*) AS count FROM posts WHERE state IN ('pending', 'in_flight', 'dead') GROUP BY state",
      ),
      deadLetters: db.prepare<[number], DeadRow>(
        `SELECT id, provider, event, token, body, attempts, first_error_at, created_at, last_error, http_status, updated_at
         FROM posts WHERE state = 'dead' ORDER BY updated_at DESC, id DESC LIMIT ?`,
      ),
      deadAfterId: db.prepare<[number], { after_id: number | null }>(
        "SELECT after_id FROM posts WHERE id = ? AND state = 'dead'",
      ),
      replay: db.prepare(
        `UPDATE posts SET state = 'pending', attempts = 0, next_attempt_at = @now, first_error_at = NULL,
           last_error = NULL, http_status = NULL, updated_at = @now
         WHERE id = @id AND state = 'dead'`,
      ),
      replayAll: db.prepare(
        `UPDATE posts SET state = 'pending', attempts = 0, next_attempt_at = @now, first_error_at = NULL,
           last_error = NULL, http_status = NULL, updated_at = @now
         WHERE state = 'dead'`,
      ),
      pruneDelivered: db.prepare("DELETE FROM posts WHERE state = 'delivered' AND updated_at < ?"),
      pruneDeliveries: db.prepare('DELETE FROM deliveries WHERE received_at < ?'),
      recover: db.prepare("UPDATE posts SET state = 'pending', updated_at = ? WHERE state = 'in_flight'"),
    }

    this.#commitBatch = db.transaction((batch: Waiting[], received: Map<string, number>) =>
      batch.map((waiting) => this.#insert(waiting, received)),
    )

    // Posts left in flight by a crash were maybe sent, maybe not: Missive's answer was never
    // recorded, so they go out again (see DeliveryWorker for the one-post window this leaves).
    db.transaction(() => {
      this.#statements.recover.run(this.#now())
      for (const { order_key } of this.#statements.activeOrderKeys.all()) this.#promote(order_key)
    })()
    this.prune()
    for (const row of this.#statements.recentDeliveries.iterate(this.#now() - DEDUPE_WINDOW_MS)) {
      const digest = dedupeDigest(row.dedupe_key)
      this.#received.delete(digest)
      this.#received.set(digest, row.received_at)
    }
    // The log exists from the first transaction on; WalSync flushes it from here.
    this.#wal = new WalSync(`${this.path}-wal`, options.flush)
    this.#pruneTimer = setInterval(() => this.prune(), PRUNE_EVERY_MS).unref()
  }

  /** fsyncs of the write-ahead log so far (each acknowledges a group of commits), for tests and benchmarks. */
  get flushes(): number {
    return this.#wal.flushes
  }

  /** Transactions committed by enqueue since open (one per group commit), for tests and benchmarks. */
  get commits(): number {
    return this.#commits
  }

  enqueue(request: EnqueueRequest): Promise<EnqueueResult> {
    if (this.#closed) return Promise.reject(new Error('the queue is closed'))
    if (this.#wal.failure) return Promise.reject(this.#wal.failure)
    return new Promise<EnqueueResult>((resolve, reject) => {
      let posts: Waiting['posts']
      try {
        // Serialised here so a post that cannot be stored fails its own request, not the batch
        // (and the post objects are not kept alive while the batch waits for the disk).
        posts = request.posts.map((post, seq) => ({ body: JSON.stringify(post), orderKey: orderKey(post, `${request.dedupeKey}#${seq}`) }))
      } catch (error) {
        reject(error)
        return
      }
      const { dedupeKey, provider, event, token } = request
      this.#waiting.push({ dedupeKey, provider, event, token, posts, resolve, reject })
      this.#scheduleFlush()
    })
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return
    this.#flushScheduled = true
    if (this.#batchWindowMs > 0) setTimeout(() => this.#flush(), this.#batchWindowMs)
    else setImmediate(() => this.#flush())
  }

  #flush(): void {
    this.#flushScheduled = false
    const batch = this.#waiting
    if (batch.length === 0) return
    this.#waiting = []
    let results: EnqueueResult[]
    // Keys this batch records: remembered only once it commits (a rolled-back webhook is retried
    // by its sender and must not look like a duplicate then).
    const received = new Map<string, number>()
    try {
      results = this.#commitBatch(batch, received)
      this.#commits++
    } catch (error) {
      for (const waiting of batch) waiting.reject(error)
      return
    }
    for (const [key, at] of received) {
      // Re-inserted, so the map stays in receiving order for prune().
      this.#received.delete(key)
      this.#received.set(key, at)
    }
    this.#wal.sync().then(
      () => {
        const tokens = new Set<string>()
        batch.forEach((waiting, index) => {
          const result = results[index]!
          if (result.status === 'queued') tokens.add(waiting.token)
          waiting.resolve(result)
        })
        if (tokens.size > 0) this.#events.emit('work', [...tokens])
      },
      (error: unknown) => {
        for (const waiting of batch) waiting.reject(error)
      },
    )
  }

  async seen(dedupeKey: string): Promise<boolean> {
    this.#assertOpen()
    const at = this.#received.get(dedupeDigest(dedupeKey))
    return at !== undefined && at > this.#now() - DEDUPE_WINDOW_MS
  }

  #insert(waiting: Waiting, received: Map<string, number>): EnqueueResult {
    const now = this.#now()
    const key = waiting.dedupeKey
    const digest = dedupeDigest(key)
    const seenAt = received.get(digest) ?? this.#received.get(digest)
    if (seenAt !== undefined && seenAt > now - DEDUPE_WINDOW_MS) return { status: 'duplicate', queued: 0 }
    this.#statements.recordDelivery.run(key, now)
    received.set(digest, now)
    const ids: string[] = []
    let firstId: number | null = null
    waiting.posts.forEach(({ body, orderKey: order }, seq) => {
      // A new post goes last in its order key: it is the head only of an idle key, and never as a
      // follow-up (which waits for the delivery's own post, just queued). See #promote.
      const head = firstId === null && this.#statements.hasActive.get(order) === undefined ? 1 : 0
      const { lastInsertRowid } = this.#statements.insertPost.run(
        key,
        seq,
        order,
        // Follow-ups (a commit's post into another conversation) wait for the delivery's own post.
        firstId,
        waiting.provider,
        waiting.event ?? null,
        waiting.token,
        body,
        head,
        now,
        now,
        now,
      )
      firstId ??= Number(lastInsertRowid)
      ids.push(String(lastInsertRowid))
    })
    return { status: 'queued', queued: ids.length, ids }
  }

  /**
   * Keeps `is_head` on the one post of an order key that may go out next: the oldest post not
   * delivered or dead, if it is pending and (for a follow-up) its delivery's first post is
   * delivered. Claims then read heads only, so a long backlog behind one conversation costs
   * nothing. Called wherever a key's first post may change.
   */
  #promote(key: string): void {
    this.#statements.clearHead.run(key)
    const first = this.#statements.firstActive.get(key)
    if (!first || first.state !== 'pending') return
    if (first.after_id !== null) {
      // A pruned first post was delivered more than 24 h ago.
      const parent = this.#statements.stateOf.get(first.after_id)
      if (parent && parent.state !== 'delivered') return
    }
    this.#statements.setHead.run(first.id)
  }

  #promoteAround(id: number): void {
    const own = this.#statements.orderKeyOf.get(id)
    if (own) this.#promote(own.order_key)
    for (const { order_key } of this.#statements.followUpKeys.all(id)) this.#promote(order_key)
  }

  async claim(options: ClaimOptions): Promise<QueuedPost[]> {
    this.#assertOpen()
    const skip = new Set(options.skipTokens ?? [])
    const claimed = this.#db.transaction(() => {
      const claimed: QueuedPost[] = []
      const rows: Array<PostRow & { next_attempt_at: number }> = []
      for (const { token } of this.#statements.headTokens.all()) {
        if (!skip.has(token)) rows.push(...this.#statements.dueHeads.all(token, options.now, options.limit))
      }
      // Oldest due first across tokens; within an order key there is only ever one head.
      rows.sort((a, b) => a.next_attempt_at - b.next_attempt_at || a.id - b.id)
      for (const row of rows) {
        if (claimed.length >= options.limit) break
        const post = toQueuedPost(row)
        if (options.accept && !options.accept(post)) continue
        this.#statements.markInFlight.run(options.now, row.id)
        claimed.push(post)
      }
      return claimed
    })()
    // A post goes out only once it is on disk: its webhook was acknowledged (or the sender will
    // retry), so a power cut can never make a post that was sent come back as new.
    if (claimed.length > 0) await this.#wal.sync()
    return claimed
  }

  async complete(id: string, delivered: { conversation?: string | undefined } = {}): Promise<void> {
    this.#assertOpen()
    await this.#durably(() => {
      this.#statements.complete.run(this.#now(), Number(id))
      if (delivered.conversation) this.#statements.setConversation.run(delivered.conversation, Number(id))
      this.#promoteAround(Number(id))
    })
  }

  async retry(id: string, request: RetryRequest): Promise<void> {
    this.#assertOpen()
    await this.#durably(() => {
      this.#statements.retry.run({
        id: Number(id),
        nextAttemptAt: request.nextAttemptAt,
        firstErrorAt: request.firstErrorAt,
        error: request.error,
        httpStatus: request.httpStatus ?? null,
        now: this.#now(),
      })
      // Still first in its conversation: it keeps blocking the posts behind it.
      this.#promoteAround(Number(id))
    })
  }

  async deadLetter(id: string, request: DeadLetterRequest): Promise<string[]> {
    this.#assertOpen()
    return this.#durably(() => {
      const now = this.#now()
      this.#statements.deadLetter.run({ id: Number(id), reason: request.reason, httpStatus: request.httpStatus ?? null, now })
      const followUps = this.#statements.pendingFollowUps.all(Number(id))
      const reason = `not sent: the first post of its delivery (${id}) is a dead letter (${request.reason})`
      for (const { id: followUp } of followUps) this.#statements.deadFollowUp.run(reason, now, now, followUp)
      this.#promoteAround(Number(id))
      for (const { id: followUp } of followUps) this.#promoteAround(followUp)
      return followUps.map((row) => String(row.id))
    })
  }

  async nextAttemptAfter(now: number): Promise<number | undefined> {
    this.#assertOpen()
    return this.#statements.nextAttemptAfter.get(now)?.at ?? undefined
  }

  onWork(listener: (tokens?: readonly string[]) => void): () => void {
    this.#events.on('work', listener)
    return () => this.#events.off('work', listener)
  }

  async stats(): Promise<QueueStats> {
    this.#assertOpen()
    const counts = new Map(this.#statements.stats.all().map((row) => [row.state, row.count]))
    return { pending: counts.get('pending') ?? 0, inFlight: counts.get('in_flight') ?? 0, deadLetters: counts.get('dead') ?? 0 }
  }

  async ready(): Promise<boolean> {
    if (this.#closed || this.#wal.failure) return false
    try {
      return this.#db.prepare('SELECT 1 AS ok').get() !== undefined
    } catch {
      return false
    }
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    this.#assertOpen()
    return this.#statements.deadLetters.all(limit).map((row) => ({
      id: String(row.id),
      provider: row.provider,
      event: row.event ?? undefined,
      reason: row.last_error ?? 'unknown',
      httpStatus: row.http_status ?? undefined,
      attempts: row.attempts,
      createdAt: new Date(row.created_at),
      failedAt: new Date(row.updated_at),
      post: JSON.parse(row.body) as MissivePost,
    }))
  }

  async replay(ids: readonly string[] | 'all'): Promise<number> {
    this.#assertOpen()
    const now = this.#now()
    const count = await this.#durably(() => {
      if (ids === 'all') {
        const keys = this.#statements.deadOrderKeys.all()
        const { changes } = this.#statements.replayAll.run({ now })
        for (const { order_key } of keys) this.#promote(order_key)
        return changes
      }
      // A follow-up only goes out after its delivery's first post: replaying one alone would leave
      // it pending for ever, so its dead first post comes back with it.
      const wanted = new Set<number>()
      for (const id of ids) {
        const number = Number(id)
        if (!Number.isSafeInteger(number)) continue
        const row = this.#statements.deadAfterId.get(number)
        if (!row) continue
        wanted.add(number)
        if (row.after_id !== null && this.#statements.deadAfterId.get(row.after_id)) wanted.add(row.after_id)
      }
      let changes = 0
      for (const id of wanted) changes += this.#statements.replay.run({ id, now }).changes
      for (const id of wanted) this.#promoteAround(id)
      return changes
    })
    if (count > 0) this.#events.emit('work')
    return count
  }

  /** Forget dedupe keys and delivered markers older than 24 h (run on open and every 10 min). */
  prune(): void {
    if (this.#closed) return
    const before = this.#now() - DEDUPE_WINDOW_MS
    this.#db.transaction(() => {
      this.#statements.pruneDelivered.run(before)
      this.#statements.pruneDeliveries.run(before)
    })()
    for (const [key, at] of this.#received) {
      if (at >= before) break
      this.#received.delete(key)
    }
  }

  /** Commit what is waiting and flush it, then close the file. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#flush()
    this.#closed = true
    clearInterval(this.#pruneTimer)
    this.#events.removeAllListeners()
    await this.#wal.close()
    this.#db.close()
  }

  /** Run `write` in a transaction and resolve once the log holding it is on disk. */
  async #durably<T>(write: () => T): Promise<T> {
    const result = this.#db.transaction(write)()
    await this.#wal.sync()
    return result
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('the queue is closed')
  }
}

/**
 * A dedupe key as the in-memory index holds it: 128 bits of its SHA-256 as a 16-character
 * string. Small and fixed whatever the sender's id looks like, and a fresh string, so it does not
 * keep the request's header block alive. A collision needs some 2^64 deliveries.
 */
function dedupeDigest(key: string): string {
  return createHash('sha256').update(key).digest().toString('latin1', 0, 16)
}

function toQueuedPost(row: PostRow): QueuedPost {
  return {
    id: String(row.id),
    provider: row.provider,
    event: row.event ?? undefined,
    token: row.token,
    post: JSON.parse(row.body) as MissivePost,
    attempts: row.attempts,
    firstErrorAt: row.first_error_at ?? undefined,
    createdAt: row.created_at,
    parentConversation: row.parent_conversation ?? undefined,
  }
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number
  if (version > SCHEMA_VERSION) {
    throw new Error(`queue.sqlite has schema version ${version}, newer than this server knows (${SCHEMA_VERSION}); upgrade the server`)
  }
  if (version === SCHEMA_VERSION) return
  db.transaction(() => {
    if (version === 0) db.exec(SCHEMA)
    if (version === 1) db.exec(UPGRADE_FROM_1)
    db.pragma(`user_version = ${SCHEMA_VERSION}`)
  })()
}

// Every index here is written on each enqueue at its tail (or only for heads and follow-ups), so
// a batch of webhooks touches a handful of pages.
const SCHEMA = `
  -- Append-only: dedupe lookups use the in-memory copy (see SqliteQueue#received).
  CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    dedupe_key TEXT NOT NULL,
    received_at INTEGER NOT NULL
  );
  CREATE INDEX deliveries_received_at ON deliveries (received_at);
  -- AUTOINCREMENT: ids are never reused after pruning, so they keep arrival order for good.
  CREATE TABLE posts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    order_key TEXT NOT NULL,
    after_id INTEGER,
    provider TEXT NOT NULL,
    event TEXT,
    token TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'in_flight', 'delivered', 'dead')),
    -- 1 on the post of its order key that may go out next (see SqliteQueue#promote).
    is_head INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    first_error_at INTEGER,
    last_error TEXT,
    http_status INTEGER,
    -- The conversation Missive put the post in (from its answer): a follow-up that targets the
    -- conversation its delivery's first post landed in is not posted there again.
    conversation_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX posts_head ON posts (order_key) WHERE is_head = 1;
  CREATE INDEX posts_due ON posts (token, next_attempt_at, id) WHERE is_head = 1 AND state = 'pending';
  CREATE INDEX posts_order_key ON posts (order_key, id) WHERE state IN ('pending', 'in_flight');
  CREATE INDEX posts_after_id ON posts (after_id) WHERE after_id IS NOT NULL;
  CREATE INDEX posts_updated_at ON posts (state, updated_at);
`

// Version 1 kept dedupe keys in a WITHOUT ROWID table keyed by the (random) key, and indexed
// posts by state and due time, which only heads need.
const UPGRADE_FROM_1 = `
  DROP INDEX deliveries_received_at;
  ALTER TABLE deliveries RENAME TO deliveries_v1;
  CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    dedupe_key TEXT NOT NULL,
    received_at INTEGER NOT NULL
  );
  CREATE INDEX deliveries_received_at ON deliveries (received_at);
  INSERT INTO deliveries (dedupe_key, received_at) SELECT dedupe_key, received_at FROM deliveries_v1 ORDER BY received_at;
  DROP TABLE deliveries_v1;
  DROP INDEX posts_state;
`
