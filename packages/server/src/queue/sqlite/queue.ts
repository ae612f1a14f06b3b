import { EventEmitter } from 'node:events'
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { MISSIVE_RATE_LIMITS, type RateLimits } from '../../delivery/rate-limiter.js'
import { DEDUPE_WINDOW_MS, DedupeIndex, dedupeDigest } from '../dedupe.js'
import { GroupCommit, type PendingDelivery } from '../group-commit.js'
import { burstStep, type BurstRow } from '../bursts.js'
import { chooseHead, type KeyFirst } from '../heads.js'
import { laneAfterClaim, laneIdleBefore, shareClaim, type StoredLane } from '../lanes.js'
import { latestVersion, migrationsToRun } from '../migrations.js'
import { CommitHealth } from '../readiness.js'
import { followUpReason, postIds, toDeadLetter, toQueuedPost, type ClaimedRow, type DeadRow } from '../rows.js'
import type {
  Claimed,
  ClaimOptions,
  DeadLetter,
  DeadLetterRequest,
  EnqueueRequest,
  EnqueueResult,
  QueueBackend,
  QueuedPost,
  QueueReadiness,
  QueueStats,
  RetryRequest,
} from '../types.js'
import { SQLITE_MIGRATIONS } from './migrations.js'
import { SQL, type BurstDbRow, type LaneRow } from './statements.js'
import { WalSync, type FlushFile } from './wal-sync.js'
import { lockDataDir } from './writer-lock.js'

export { DEDUPE_WINDOW_MS } from '../dedupe.js'

const PRUNE_EVERY_MS = 10 * 60 * 1000
/** One process holds the file: what it has in flight stays in flight until it records the outcome, or restarts. */
const NEVER = 8.64e15
/** After a spike, the write-ahead log is cut back to this size at its next checkpoint. */
const JOURNAL_SIZE_LIMIT = 4 * 1024 * 1024

export interface SqliteQueueOptions {
  /** The server's data directory; the queue lives in `DATA_DIR/queue.sqlite`. */
  dataDir: string
  /**
   * `server` (the default) takes DATA_DIR's single-writer lock (a second server refuses to start)
   * and sends again what a crashed server left in flight. `tool` is for the CLI's `dead-letters`
   * and `replay` next to a running server: no lock, and posts in flight are left to their server.
   */
  role?: 'server' | 'tool'
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

/**
 * The embedded durable queue: a SQLite file in WAL mode, and nothing is acknowledged before it is
 * on disk. Enqueues that arrive in the same event-loop turn share one transaction
 * ({@link GroupCommit}), and every transaction waits for the write-ahead log to be flushed by
 * {@link WalSync} on libuv's thread pool: the event loop never blocks on an fsync, and one fsync
 * acknowledges every webhook that arrived meanwhile.
 *
 * better-sqlite3 is synchronous: every write below reaches the log in the tick it is called in
 * (so a kill -9 right after loses nothing), and the returned promise resolves once it is flushed
 * (so a power cut does not either).
 */
export class SqliteQueue implements QueueBackend {
  readonly path: string
  readonly #db: Database.Database
  readonly #now: () => number
  readonly #events = new EventEmitter()
  readonly #wal: WalSync
  readonly #statements: ReturnType<typeof prepareStatements>
  readonly #groupCommit: GroupCommit
  readonly #health = new CommitHealth()
  readonly #dedupe = new DedupeIndex()
  readonly #unlock: (() => void) | undefined
  readonly #pruneTimer: NodeJS.Timeout | undefined
  /** Claims run one at a time: a lane's starts are recorded after the claim's flush, before the next claim reads them. */
  #claiming: Promise<unknown> = Promise.resolve()
  #closed = false
  /** The limits of the latest claim: lanes idle longer than their longest window are pruned. */
  #limits: RateLimits = MISSIVE_RATE_LIMITS

  constructor(options: SqliteQueueOptions) {
    const server = (options.role ?? 'server') === 'server'
    this.#now = options.now ?? Date.now
    // The file holds Missive API tokens: only the server's user may read it. SQLite gives the
    // -wal and -shm files the same mode as the database file.
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 })
    this.#unlock = server ? lockDataDir(options.dataDir) : undefined
    this.path = join(options.dataDir, 'queue.sqlite')
    let db: Database.Database | undefined
    try {
      closeSync(openSync(this.path, 'a', 0o600))
      chmodSync(this.path, 0o600)
      db = new Database(this.path)
      // Freed pages go back to the file system (see prune): set before the first table, or
      // converted once by the server.
      const vacuum = db.pragma('auto_vacuum', { simple: true }) as number
      if (vacuum !== 2 && (server || db.pragma('user_version', { simple: true }) === 0)) {
        db.pragma('auto_vacuum = INCREMENTAL')
        db.exec('VACUUM')
      }
      db.pragma('journal_mode = WAL')
      // NORMAL: a commit does not fsync on the event loop; WalSync flushes the log before any
      // caller is told its write is done. Checkpoints still fsync the log and the database file.
      db.pragma('synchronous = NORMAL')
      db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`)
      migrate(db)
    } catch (error) {
      db?.close()
      this.#unlock?.()
      throw error
    }
    this.#db = db
    this.#events.setMaxListeners(0)
    this.#statements = prepareStatements(db)

    const commitBatch = db.transaction((batch: PendingDelivery[], received: Map<Buffer, number>) => batch.map((delivery) => this.#insert(delivery, received)))
    this.#groupCommit = new GroupCommit(
      async (batch) => {
        // Keys this batch records: remembered only once it commits (a rolled-back webhook is
        // retried by its sender and must not look like a duplicate then).
        const received = new Map<Buffer, number>()
        const results = await this.#durably(() => commitBatch(batch, received))
        for (const [digest, at] of received) this.#dedupe.add(digest, at)
        if (results.some((result) => result.status === 'queued')) this.#events.emit('work')
        return results
      },
      { batchWindowMs: options.batchWindowMs ?? 0 },
    )

    if (server) {
      db.transaction(() => this.#recover(this.#now()))()
      this.#prune(this.#now())
    }
    for (const row of this.#statements.recentDeliveries.iterate(this.#now() - DEDUPE_WINDOW_MS)) {
      this.#dedupe.add(dedupeDigest(row.dedupe_key), row.received_at)
    }
    // The log exists from the first transaction on; WalSync flushes it from here.
    this.#wal = new WalSync(`${this.path}-wal`, options.flush)
    if (server) this.#pruneTimer = setInterval(() => this.prune(), PRUNE_EVERY_MS).unref()
  }

  /** fsyncs of the write-ahead log so far (each acknowledges a group of commits), for tests and benchmarks. */
  get flushes(): number {
    return this.#wal.flushes
  }

  /** Transactions committed by enqueue since open (one per group commit), for tests and benchmarks. */
  get commits(): number {
    return this.#groupCommit.commits
  }

  /** Dedupe keys held in memory, for tests and the README's memory figure. */
  get dedupeKeys(): number {
    return this.#dedupe.size
  }

  enqueue(request: EnqueueRequest): Promise<EnqueueResult> {
    if (this.#closed) return Promise.reject(new Error('the queue is closed'))
    if (this.#wal.failure) return Promise.reject(this.#wal.failure)
    return this.#groupCommit.add(request)
  }

  async seen(dedupeKey: string): Promise<boolean> {
    this.#assertOpen()
    return this.#dedupe.receivedAt(dedupeDigest(dedupeKey), this.#now()) !== undefined
  }

  #insert(delivery: PendingDelivery, received: Map<Buffer, number>): EnqueueResult {
    const now = this.#now()
    if (this.#dedupe.receivedAt(delivery.digest, now) !== undefined) return { status: 'duplicate', queued: 0 }
    this.#statements.recordDelivery.run(delivery.dedupeKey, now)
    received.set(delivery.digest, now)
    if (delivery.burst) {
      const folded = this.#fold(delivery, now)
      if (folded) return folded
    }
    const ids: string[] = []
    let firstId: number | null = null
    delivery.posts.forEach(({ body, orderKey }, seq) => {
      // A new post goes last in its order key: it is the head only of an idle key, and never as a
      // follow-up (which waits for the delivery's own post, just queued).
      const head = firstId === null && this.#statements.hasActive.get(orderKey) === undefined ? 1 : 0
      const { lastInsertRowid } = this.#statements.insertPost.run(
        delivery.dedupeKey,
        seq,
        orderKey,
        firstId,
        delivery.lane,
        delivery.provider,
        delivery.event ?? null,
        delivery.token,
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
   * A burst: the post goes out as it is (undefined: #insert queues it), or folds into its window's
   * digest post, rewritten or created here (see bursts.ts).
   */
  #fold(delivery: PendingDelivery, now: number): EnqueueResult | undefined {
    const { orderKey } = delivery.posts[0]!
    const stored = this.#statements.burstOf.get(delivery.lane, orderKey)
    const row: BurstRow | undefined = stored && {
      windowStart: stored.window_start,
      windowEnd: stored.window_end,
      sent: stored.sent,
      digestId: stored.digest_id,
      state: stored.state,
    }
    const { step, row: next } = burstStep(row, delivery.burst!, now, stored?.digest_pending === 1)
    if (step.kind === 'fold') {
      this.#statements.foldDigest.run(step.body, now, step.digestId)
    } else if (step.kind === 'digest') {
      const head = this.#statements.hasActive.get(orderKey) === undefined ? 1 : 0
      const { lastInsertRowid } = this.#statements.insertPost.run(
        `digest:${delivery.dedupeKey}`,
        0,
        orderKey,
        null,
        delivery.lane,
        delivery.provider,
        'digest',
        delivery.token,
        step.body,
        head,
        step.dueAt,
        now,
        now,
      )
      next.digestId = Number(lastInsertRowid)
    }
    this.#statements.saveBurst.run({ lane: delivery.lane, orderKey, ...next })
    return step.kind === 'post' ? undefined : { status: 'queued', queued: 0, ids: [], folded: 1 }
  }

  /** Move the head of `key` to the post that may go out next (see heads.ts). */
  #promote(key: string): void {
    const head = chooseHead(this.#statements.firstActive.get(key), this.#statements.inFlightHead.get(key)?.id)
    this.#statements.moveHead.run({ key, head: head ?? -1 })
  }

  #promoteAround(id: number): void {
    const own = this.#statements.orderKeyOf.get(id)
    if (own) this.#promote(own.order_key)
    for (const { order_key } of this.#statements.followUpKeys.all(id)) this.#promote(order_key)
  }

  claim(options: ClaimOptions): Promise<QueuedPost[]> {
    const claiming = this.#claiming.then(() => this.#claim(options))
    this.#claiming = claiming.catch(() => undefined)
    return claiming
  }

  async #claim({ now, limit, limits }: ClaimOptions): Promise<QueuedPost[]> {
    this.#assertOpen()
    this.#limits = limits
    const taken: Array<{ lane: StoredLane; count: number }> = []
    const claimed = await this.#durably(() => {
      const lanes = this.#statements.dueLanes.all({ now, limit }).map(toStoredLane)
      const posts: QueuedPost[] = []
      const { shares, closed } = shareClaim(lanes, limits, now, limit)
      for (const { lane, openAt } of closed) this.#statements.closeLane.run({ lane: lane.key, openAt })
      for (const { lane, take } of shares) {
        const rows = this.#statements.dueHeads.all(lane.key, now, take)
        for (const row of rows) {
          this.#statements.markInFlight.run(NEVER, now, row.id)
          posts.push(toQueuedPost({ ...row, attempts: row.attempts + 1 }))
        }
        if (rows.length > 0) taken.push({ lane, count: rows.length })
      }
      return posts
    }, false)
    // A post goes out only once its claim is on disk (above); its requests start now, so the
    // windows count them from now.
    const startedAt = this.#now()
    try {
      this.#db.transaction(() => {
        for (const { lane, count } of taken) {
          const { starts, openAt } = laneAfterClaim(lane, limits, count, startedAt)
          this.#statements.saveLane.run({ lane: lane.key, starts: JSON.stringify(starts), openAt, servedAt: startedAt })
        }
      })()
    } catch {
      // The claim is on disk: its posts go out whatever happens here. A window log the disk
      // refused only lets the next claim count these requests short (Missive's 429 would say so).
    }
    return claimed.sort((a, b) => Number(a.id) - Number(b.id))
  }

  async complete(post: Claimed, delivered: { conversation?: string | undefined } = {}): Promise<void> {
    this.#assertOpen()
    const id = Number(post.id)
    const changed = await this.#durably(() => {
      const { changes } = this.#statements.complete.run({ id, conversation: delivered.conversation ?? null, now: this.#now() })
      if (changes > 0) this.#promoteAround(id)
      return changes > 0
    })
    if (changed) this.#events.emit('work')
  }

  async retry(post: Claimed, request: RetryRequest): Promise<void> {
    this.#assertOpen()
    const id = Number(post.id)
    await this.#durably(() => {
      const { changes } = this.#statements.retry.run({
        id,
        attempt: post.attempt,
        nextAttemptAt: request.nextAttemptAt,
        firstErrorAt: request.firstErrorAt,
        error: request.error,
        httpStatus: request.httpStatus ?? null,
        now: this.#now(),
      })
      if (changes === 0) return
      if (request.pauseTokenUntil !== undefined) this.#statements.pauseLane.run({ id, until: request.pauseTokenUntil })
    })
  }

  async deadLetter(post: Claimed, request: DeadLetterRequest): Promise<string[]> {
    this.#assertOpen()
    const id = Number(post.id)
    return this.#durably(() => {
      const now = this.#now()
      const { changes } = this.#statements.deadLetter.run({ id, attempt: post.attempt, reason: request.reason, httpStatus: request.httpStatus ?? null, now })
      if (changes === 0) return []
      const followUps = this.#statements.pendingFollowUps.all(id)
      const reason = followUpReason(post.id, request.reason)
      for (const { id: followUp } of followUps) this.#statements.deadFollowUp.run({ id: followUp, reason, now })
      this.#promoteAround(id)
      for (const { id: followUp } of followUps) this.#promoteAround(followUp)
      return followUps.map((row) => String(row.id))
    })
  }

  async nextAttemptAfter(now: number, _limits: RateLimits): Promise<number | undefined> {
    this.#assertOpen()
    const due = this.#statements.nextDue.get(now, NEVER)?.at ?? undefined
    const opening = this.#statements.nextLaneOpening.get(now)?.at ?? undefined
    if (due === undefined) return opening
    return opening === undefined ? due : Math.min(due, opening)
  }

  onWork(listener: () => void): () => void {
    this.#events.on('work', listener)
    return () => this.#events.off('work', listener)
  }

  async stats(): Promise<QueueStats> {
    this.#assertOpen()
    const counts = new Map(this.#statements.stats.all().map((row) => [row.state, row.count]))
    return { pending: counts.get('pending') ?? 0, inFlight: counts.get('in_flight') ?? 0, deadLetters: counts.get('dead') ?? 0 }
  }

  async ready(): Promise<QueueReadiness> {
    const backend = 'sqlite'
    if (this.#closed) return { ready: false, backend, reason: 'the queue is closed' }
    if (this.#wal.failure) return { ready: false, backend, reason: this.#wal.failure.message }
    try {
      // After a failed commit, only a commit tells whether the disk takes writes again.
      if (this.#health.failure) await this.#durably(() => this.#statements.probe.run(String(this.#now())))
      else this.#db.prepare('SELECT 1').get()
      return { ready: true, backend }
    } catch {
      return { ready: false, backend, reason: this.#health.failure ?? 'the queue file cannot be read' }
    }
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    this.#assertOpen()
    return this.#statements.deadLetters.all(limit).map(toDeadLetter)
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
      for (const id of postIds(ids)) {
        const row = this.#statements.deadAfterId.get(id)
        if (!row) continue
        wanted.add(id)
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

  /**
   * Forget dedupe keys and delivered posts older than 24 h, and idle lanes, then give the freed
   * pages back to the file system (run on open and every 10 minutes).
   */
  prune(): void {
    if (this.#closed) return
    this.#prune(this.#now())
  }

  #prune(now: number): void {
    const before = now - DEDUPE_WINDOW_MS
    this.#db.transaction(() => {
      this.#statements.pruneDelivered.run(before)
      this.#statements.pruneDeliveries.run(before)
      this.#statements.pruneLanes.run(laneIdleBefore(this.#limits, now), now)
      this.#statements.pruneBursts.run(now)
    })()
    this.#dedupe.prune(before)
    // Without this the file and its log only ever grow: a burst's pages stay allocated for good.
    this.#db.pragma('incremental_vacuum')
    this.#db.pragma('wal_checkpoint(TRUNCATE)')
  }

  /** Commit what is waiting and flush it, then close the file (and release DATA_DIR). */
  async close(): Promise<void> {
    if (this.#closed) return
    const draining = this.#groupCommit.drain()
    this.#closed = true
    await draining
    await this.#claiming
    if (this.#pruneTimer) clearInterval(this.#pruneTimer)
    this.#events.removeAllListeners()
    await this.#wal.close()
    this.#db.close()
    this.#unlock?.()
  }

  #recover(now: number): void {
    // Posts left in flight by a crash were maybe sent, maybe not: Missive's answer was never
    // recorded, so they go out again (flagged resumed), ahead of what waits behind them.
    this.#statements.recover.run(now)
    for (const { order_key } of this.#statements.activeOrderKeys.all()) this.#promote(order_key)
  }

  /** Run `write` in a transaction and resolve once the log holding it is on disk. */
  async #durably<T>(write: () => T, proves = true): Promise<T> {
    return this.#health.track(async () => {
      const result = this.#db.transaction(write)()
      await this.#wal.sync()
      return result
    }, proves)
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('the queue is closed')
  }
}

function toStoredLane(row: LaneRow): StoredLane {
  return {
    key: row.lane,
    starts: row.starts ? (JSON.parse(row.starts) as number[]) : [],
    pausedUntil: row.paused_until ?? 0,
    servedAt: row.served_at ?? 0,
    inFlight: row.in_flight,
    due: row.due,
  }
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number
  const steps = migrationsToRun(version, SQLITE_MIGRATIONS, 'queue.sqlite')
  if (steps.length === 0) return
  db.transaction(() => {
    for (const step of steps) void step.up(db)
    db.pragma(`user_version = ${latestVersion(SQLITE_MIGRATIONS)}`)
  })()
}

/** The statements, prepared once, with their parameters and rows typed. */
function prepareStatements(db: Database.Database) {
  return {
    recordDelivery: db.prepare<[string, number]>(SQL.recordDelivery),
    recentDeliveries: db.prepare<[number], { dedupe_key: string; received_at: number }>(SQL.recentDeliveries),
    hasActive: db.prepare<[string], { found: number }>(SQL.hasActive),
    insertPost: db.prepare<[string, number, string, number | null, Buffer, string, string | null, string, string, number, number, number, number]>(
      SQL.insertPost,
    ),
    dueLanes: db.prepare<{ now: number; limit: number }, LaneRow>(SQL.dueLanes),
    dueHeads: db.prepare<[Buffer, number, number], ClaimedRow>(SQL.dueHeads),
    markInFlight: db.prepare<[number, number, number]>(SQL.markInFlight),
    closeLane: db.prepare<{ lane: Buffer; openAt: number }>(SQL.closeLane),
    saveLane: db.prepare<{ lane: Buffer; starts: string; openAt: number; servedAt: number }>(SQL.saveLane),
    pauseLane: db.prepare<{ id: number; until: number }>(SQL.pauseLane),
    laneOfPost: db.prepare<[number], { lane: Buffer }>(SQL.laneOfPost),
    orderKeyOf: db.prepare<[number], { order_key: string }>(SQL.orderKeyOf),
    firstActive: db.prepare<[string], KeyFirst>(SQL.firstActive),
    inFlightHead: db.prepare<[string], { id: number }>(SQL.inFlightHead),
    moveHead: db.prepare<{ key: string; head: number }>(SQL.moveHead),
    activeOrderKeys: db.prepare<[], { order_key: string }>(SQL.activeOrderKeys),
    followUpKeys: db.prepare<[number], { order_key: string }>(SQL.followUpKeys),
    deadOrderKeys: db.prepare<[], { order_key: string }>(SQL.deadOrderKeys),
    complete: db.prepare<{ id: number; conversation: string | null; now: number }>(SQL.complete),
    retry: db.prepare<{ id: number; attempt: number; nextAttemptAt: number; firstErrorAt: number; error: string; httpStatus: number | null; now: number }>(
      SQL.retry,
    ),
    deadLetter: db.prepare<{ id: number; attempt: number; reason: string; httpStatus: number | null; now: number }>(SQL.deadLetter),
    pendingFollowUps: db.prepare<[number], { id: number }>(SQL.pendingFollowUps),
    deadFollowUp: db.prepare<{ id: number; reason: string; now: number }>(SQL.deadFollowUp),
    nextDue: db.prepare<[number, number], { at: number | null }>(SQL.nextDue),
    nextLaneOpening: db.prepare<[number], { at: number | null }>(SQL.nextLaneOpening),
    stats: db.prepare<[], { state: string; count: number }>(SQL.stats),
    deadLetters: db.prepare<[number], DeadRow>(SQL.deadLetters),
    deadAfterId: db.prepare<[number], { after_id: number | null }>(SQL.deadAfterId),
    replay: db.prepare<{ id: number; now: number }>(SQL.replay),
    replayAll: db.prepare<{ now: number }>(SQL.replayAll),
    pruneDelivered: db.prepare<[number]>(SQL.pruneDelivered),
    pruneDeliveries: db.prepare<[number]>(SQL.pruneDeliveries),
    pruneLanes: db.prepare<[number, number]>(SQL.pruneLanes),
    burstOf: db.prepare<[Buffer, string], BurstDbRow>(SQL.burstOf),
    saveBurst: db.prepare<{
      lane: Buffer
      orderKey: string
      windowStart: number
      windowEnd: number
      sent: number
      digestId: number | null
      state: string | null
    }>(SQL.saveBurst),
    foldDigest: db.prepare<[string, number, number]>(SQL.foldDigest),
    pruneBursts: db.prepare<[number]>(SQL.pruneBursts),
    recover: db.prepare<[number]>(SQL.recover),
    probe: db.prepare<[string]>(SQL.probe),
  }
}
