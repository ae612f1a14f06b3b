import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import pg from 'pg'
import { MISSIVE_RATE_LIMITS, type RateLimits } from '../../delivery/rate-limiter.js'
import { DEDUPE_WINDOW_MS, dedupeDigest } from '../dedupe.js'
import { GroupCommit, type PendingDelivery } from '../group-commit.js'
import { burstStep, type BurstRow } from '../bursts.js'
import { chooseHead, type KeyFirst } from '../heads.js'
import { laneAfterClaim, laneIdleBefore, shareClaim, type StoredLane } from '../lanes.js'
import { migrationsToRun } from '../migrations.js'
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
import { POSTGRES_MIGRATIONS } from './migrations.js'
import { Notifier } from './notifier.js'
import { SQL } from './statements.js'

const PRUNE_EVERY_MS = 10 * 60 * 1000
/** Order keys one transaction locks at most (advisory locks share PostgreSQL's lock table). */
const MAX_KEYS_PER_TRANSACTION = 200
/** Deliveries one enqueue transaction takes at most (each has a few order keys to lock). */
const MAX_BATCH = 100
/** Wake-ups within this long after a commit go out as one NOTIFY. */
const NOTIFY_AFTER_MS = 5

export interface PostgresQueueOptions {
  /** `postgres://user:password@host:5432/database` (DATABASE_URL). */
  connectionString: string
  /** The schema the queue's tables live in (created if missing). */
  schema?: string
  /** How long a claimed post stays reserved for this instance (default 30 s); then another instance may send it. */
  leaseMs?: number
  /** `server` listens for work and prunes; `tool` (the CLI) only reads and replays. */
  role?: 'server' | 'tool'
  /** The clock (ms since the epoch), injectable for tests of the 24 h windows. */
  now?: () => number
  /** Connections in the pool (default 10). */
  poolSize?: number
}

/** Open the shared queue: connect, create or upgrade its schema (one instance at a time), listen for work. */
export async function openPostgresQueue(options: PostgresQueueOptions): Promise<PostgresQueue> {
  const queue = new PostgresQueue(options)
  try {
    await queue.open()
  } catch (error) {
    await queue.close().catch(() => undefined)
    throw new Error(`cannot open the PostgreSQL queue at ${describeDatabase(options.connectionString)}: ${(error as Error).message}`, { cause: error })
  }
  return queue
}

/** `host:port/database` of a connection URL: never its user or password. */
export function describeDatabase(connectionString: string): string {
  try {
    const url = new URL(connectionString)
    return `${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`
  } catch {
    return 'postgres'
  }
}

/**
 * The queue for several server instances: one PostgreSQL database, the same semantics as the
 * SQLite file. A webhook is acknowledged once its transaction has committed (PostgreSQL flushes
 * its log at commit); dedupe keys are rows every instance checks; order keys are serialised with
 * advisory locks; each token's lane is a row an instance locks while it claims, holding the
 * window log, so Missive's limits hold for all instances together; a claimed post carries a lease
 * (`due_at`), so the posts of an instance that died go out again from the others once it ends,
 * and not before; `LISTEN/NOTIFY` wakes idle instances.
 */
export class PostgresQueue implements QueueBackend {
  readonly schema: string
  readonly instance = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
  readonly #pool: pg.Pool
  readonly #notifier: Notifier | undefined
  readonly #channel: string
  readonly #now: () => number
  readonly #leaseMs: number
  readonly #server: boolean
  readonly #groupCommit: GroupCommit
  readonly #health = new CommitHealth()
  #pruneTimer: NodeJS.Timeout | undefined
  #notifying: NodeJS.Timeout | undefined
  #limits: RateLimits = MISSIVE_RATE_LIMITS
  #closed = false

  constructor(options: PostgresQueueOptions) {
    this.schema = options.schema ?? 'missive_integrations'
    if (!/^[a-z_][a-z0-9_]{0,40}$/.test(this.schema)) throw new RangeError(`schema must be a lower-case SQL name, got ${JSON.stringify(this.schema)}`)
    this.#now = options.now ?? Date.now
    this.#leaseMs = options.leaseMs ?? 30_000
    this.#server = (options.role ?? 'server') === 'server'
    this.#channel = `${this.schema}_work`
    const config: pg.ClientConfig = {
      connectionString: options.connectionString,
      // Every statement names its tables without a schema; a stuck statement or an abandoned
      // transaction fails instead of holding locks for ever.
      options: `-c search_path=${this.schema} -c statement_timeout=30000 -c idle_in_transaction_session_timeout=60000`,
      connectionTimeoutMillis: 10_000,
      types: { getTypeParser: typeParser },
      application_name: 'missive-integrations',
    }
    this.#pool = new pg.Pool({ ...config, max: options.poolSize ?? 10 })
    // An idle connection the server dropped: the next query reports it, this must not crash.
    this.#pool.on('error', () => undefined)
    this.#notifier = this.#server ? new Notifier(config, this.#channel) : undefined
    this.#groupCommit = new GroupCommit((batch) => this.#commitBatch(batch), { concurrency: 2, maxBatch: MAX_BATCH })
  }

  /** Create or upgrade the schema and start listening (see {@link openPostgresQueue}). */
  async open(): Promise<void> {
    await this.#migrate()
    if (this.#notifier) await this.#notifier.start()
    if (this.#server) {
      await this.prune()
      this.#pruneTimer = setInterval(() => void this.prune().catch(() => undefined), PRUNE_EVERY_MS).unref()
    }
  }

  /** Transactions committed by enqueue (one per group commit), for tests and benchmarks. */
  get commits(): number {
    return this.#groupCommit.commits
  }

  enqueue(request: EnqueueRequest): Promise<EnqueueResult> {
    if (this.#closed) return Promise.reject(new Error('the queue is closed'))
    return this.#groupCommit.add(request)
  }

  async seen(dedupeKey: string): Promise<boolean> {
    this.#assertOpen()
    const { rowCount } = await this.#pool.query(SQL.seen, [dedupeDigest(dedupeKey), this.#now() - DEDUPE_WINDOW_MS])
    return (rowCount ?? 0) > 0
  }

  async #commitBatch(batch: PendingDelivery[]): Promise<EnqueueResult[]> {
    const now = this.#now()
    return this.#durably(async (db, wake) => {
      const digests = [...new Set(batch.map((delivery) => delivery.digest.toString('hex')))].sort()
      const { rows } = await db.query<{ digest: Buffer }>(SQL.recordDeliveries, [digests.map((hex) => Buffer.from(hex, 'hex')), now, now - DEDUPE_WINDOW_MS])
      const fresh = new Set(rows.map((row) => row.digest.toString('hex')))
      const queued = batch.filter((delivery) => fresh.has(delivery.digest.toString('hex')))
      if (queued.length === 0) return batch.map(() => ({ status: 'duplicate', queued: 0 }) as const)

      const keys = [...new Set(queued.flatMap((delivery) => delivery.posts.map((post) => post.orderKey)))]
      await this.#lockKeys(db, keys)
      const active = new Set((await db.query<{ order_key: string }>(SQL.activeKeys, [keys])).rows.map((row) => row.order_key))
      const bursts = await this.#bursts(db, queued)

      // In arrival order, each delivery's posts become rows, or its post folds into a digest (a
      // row of this batch, or one already stored): ids are drawn for the rows, in that order.
      const inserts: NewRow[] = []
      const folds = new Map<number, string>()
      const results = new Map<PendingDelivery, { rows: NewRow[]; folded: boolean }>()
      for (const delivery of queued) {
        const own: NewRow[] = []
        const burst = delivery.burst && bursts.get(burstKey(delivery.lane, delivery.posts[0]!.orderKey))
        if (burst) {
          const digest = burst.digest
          const { step, row } = burstStep(burst.row, delivery.burst!, now, digest !== undefined)
          burst.row = row
          burst.changed = true
          if (step.kind === 'fold') {
            if (typeof digest === 'object') digest.body = step.body
            else folds.set(step.digestId, step.body)
          } else if (step.kind === 'digest') {
            const orderKey = delivery.posts[0]!.orderKey
            const created: NewRow = {
              delivery,
              seq: 0,
              orderKey,
              body: step.body,
              dueAt: step.dueAt,
              key: `digest:${delivery.dedupeKey}`,
              event: 'digest',
              head: !active.has(orderKey),
            }
            active.add(orderKey)
            inserts.push(created)
            burst.digest = created
            // Its id is drawn below; until then, the window knows it has a digest taking folds.
            row.digestId = NEW_DIGEST
          }
          if (step.kind !== 'post') {
            results.set(delivery, { rows: own, folded: true })
            continue
          }
        }
        delivery.posts.forEach(({ body, orderKey }, seq) => {
          // As in SQLite: the head only of an idle key, and never as a follow-up.
          const row: NewRow = {
            delivery,
            seq,
            orderKey,
            body,
            dueAt: now,
            key: delivery.dedupeKey,
            event: delivery.event ?? null,
            head: seq === 0 && !active.has(orderKey),
          }
          active.add(orderKey)
          inserts.push(row)
          own.push(row)
        })
        results.set(delivery, { rows: own, folded: false })
      }

      const ids = inserts.length === 0 ? [] : (await db.query<{ id: number }>(SQL.nextIds, [inserts.length])).rows.map((row) => row.id).sort((a, b) => a - b)
      inserts.forEach((row, i) => (row.id = ids[i]!))
      if (inserts.length > 0) {
        await db.query(SQL.insertPosts, [
          inserts.map((row) => row.id),
          inserts.map((row) => row.key),
          inserts.map((row) => row.seq),
          inserts.map((row) => row.orderKey),
          // A follow-up goes after its delivery's own post (the first row of its delivery).
          inserts.map((row) => (row.seq === 0 ? null : results.get(row.delivery)!.rows[0]!.id!)),
          inserts.map((row) => row.delivery.lane),
          inserts.map((row) => row.delivery.provider),
          inserts.map((row) => row.event),
          inserts.map((row) => row.delivery.token),
          inserts.map((row) => row.body),
          now,
          inserts.map((row) => row.head),
          inserts.map((row) => row.dueAt),
        ])
      }
      if (folds.size > 0) await db.query(SQL.foldDigests, [[...folds.keys()], [...folds.values()], now])
      const saved = [...bursts.values()].filter((burst) => burst.changed)
      if (saved.length > 0) {
        for (const burst of saved) if (burst.row!.digestId === NEW_DIGEST && typeof burst.digest === 'object') burst.row!.digestId = burst.digest.id!
        await db.query(SQL.saveBursts, [
          JSON.stringify(saved.map((burst) => ({ lane: burst.lane.toString('hex'), order_key: burst.orderKey, ...toBurstColumns(burst.row!) }))),
        ])
      }
      wake()
      return batch.map((delivery): EnqueueResult => {
        const result = results.get(delivery)
        if (!result) return { status: 'duplicate', queued: 0 }
        if (result.folded) return { status: 'queued', queued: 0, ids: [], folded: 1 }
        return { status: 'queued', queued: result.rows.length, ids: result.rows.map((row) => String(row.id)) }
      })
    })
  }

  /**
   * The burst rows of a batch's bursting deliveries (their order keys are locked), each with its
   * digest post when that is still pending — locked, so that no claim takes it while it folds.
   */
  async #bursts(db: pg.PoolClient, batch: readonly PendingDelivery[]): Promise<Map<string, BatchBurst>> {
    const bursts = new Map<string, BatchBurst>()
    for (const delivery of batch) {
      if (!delivery.burst) continue
      const orderKey = delivery.posts[0]!.orderKey
      bursts.set(burstKey(delivery.lane, orderKey), { lane: delivery.lane, orderKey, row: undefined, digest: undefined, changed: false })
    }
    if (bursts.size === 0) return bursts
    const wanted = [...bursts.values()]
    const { rows } = await db.query<BurstColumns & { lane: Buffer; order_key: string }>(SQL.burstsOf, [
      wanted.map((burst) => burst.lane),
      wanted.map((burst) => burst.orderKey),
    ])
    const digests = rows.map((row) => row.digest_id).filter((id): id is number => id !== null)
    const pending = new Set(
      digests.length === 0 ? [] : (await db.query<{ id: number }>(SQL.lockPendingDigests, [digests.sort((a, b) => a - b)])).rows.map((row) => row.id),
    )
    for (const row of rows) {
      const burst = bursts.get(burstKey(row.lane, row.order_key))!
      burst.row = { windowStart: row.window_start, windowEnd: row.window_end, sent: row.sent, digestId: row.digest_id, state: row.state }
      if (row.digest_id !== null && pending.has(row.digest_id)) burst.digest = row.digest_id
    }
    return bursts
  }

  async claim({ now, limit, limits }: ClaimOptions): Promise<QueuedPost[]> {
    this.#assertOpen()
    this.#limits = limits
    // Outside a transaction: an idle queue costs one statement per poll.
    const found = (await this.#pool.query<{ lane: Buffer; stored: boolean; due: number }>(SQL.dueLanes, [now, limits.concurrency, limit])).rows
    if (found.length === 0) return []
    const due = found.map((row) => row.lane)
    const dueOf = new Map(found.map((row) => [row.lane.toString('hex'), row.due]))
    const missing = found.filter((row) => !row.stored).map((row) => row.lane)
    const claimed = await this.#durably(async (db) => {
      if (missing.length > 0) await db.query(SQL.createLanes, [missing])
      const locked = (await db.query<{ lane: Buffer; starts: number[]; paused_until: number; served_at: number }>(SQL.lockLanes, [due, now])).rows
      if (locked.length === 0) return []
      const counts = new Map(
        (await db.query<{ lane: Buffer; in_flight: number }>(SQL.inFlight, [locked.map((row) => row.lane), now])).rows.map((row) => [
          row.lane.toString('hex'),
          row.in_flight,
        ]),
      )
      const lanes: StoredLane[] = locked.map((row) => ({
        key: row.lane,
        starts: row.starts,
        pausedUntil: row.paused_until,
        servedAt: row.served_at,
        inFlight: counts.get(row.lane.toString('hex')) ?? 0,
        due: dueOf.get(row.lane.toString('hex')) ?? 0,
      }))
      const { shares, closed } = shareClaim(lanes, limits, now, limit)
      const rows =
        shares.length === 0
          ? []
          : (
              await db.query<ClaimedRow & { lane: Buffer }>(SQL.claimHeads, [
                shares.map((share) => share.lane.key),
                shares.map((share) => share.take),
                now,
                now + this.#leaseMs,
                this.instance,
              ])
            ).rows
      // The requests start right after this commit: the windows count them from here (the
      // limits' margin covers the commit's round trip and the clocks of other instances).
      const startedAt = Math.max(now, this.#now())
      const saved = closed.map(({ lane, openAt }) => ({ lane: lane.key.toString('hex'), starts: lane.starts, open_at: openAt, served_at: lane.servedAt }))
      for (const { lane } of shares) {
        const count = rows.filter((row) => row.lane.equals(lane.key)).length
        if (count === 0) continue
        const { starts, openAt } = laneAfterClaim(lane, limits, count, startedAt)
        saved.push({ lane: lane.key.toString('hex'), starts, open_at: openAt, served_at: startedAt })
      }
      if (saved.length > 0) await db.query(SQL.saveLanes, [JSON.stringify(saved)])
      return rows.map(toQueuedPost)
    }, false)
    return claimed.sort((a, b) => Number(a.id) - Number(b.id))
  }

  async complete(post: Claimed, delivered: { conversation?: string | undefined } = {}): Promise<void> {
    this.#assertOpen()
    const id = Number(post.id)
    await this.#durably(async (db, wake) => {
      const keys = await this.#lockKeysAround(db, id)
      const { rowCount } = await db.query(SQL.complete, [id, delivered.conversation ?? null, this.#now()])
      if (!rowCount) return
      for (const key of keys) await this.#promote(db, key)
      // Its lane has a free slot, its key (or a follow-up) a new head: any instance may take them.
      wake()
    })
  }

  async retry(post: Claimed, request: RetryRequest): Promise<void> {
    this.#assertOpen()
    await this.#durably((db) =>
      db.query(SQL.retry, [
        Number(post.id),
        post.attempt,
        request.nextAttemptAt,
        request.firstErrorAt,
        request.error,
        request.httpStatus ?? null,
        this.#now(),
        request.pauseTokenUntil ?? null,
      ]),
    )
  }

  async deadLetter(post: Claimed, request: DeadLetterRequest): Promise<string[]> {
    this.#assertOpen()
    const id = Number(post.id)
    return this.#durably(async (db, wake) => {
      const now = this.#now()
      const keys = await this.#lockKeysAround(db, id)
      const { rowCount } = await db.query(SQL.deadLetter, [id, post.attempt, request.reason, request.httpStatus ?? null, now])
      if (!rowCount) return []
      const followUps = (await db.query<{ id: number }>(SQL.deadFollowUps, [id, followUpReason(post.id, request.reason), now])).rows
      for (const key of keys) await this.#promote(db, key)
      wake()
      return followUps.map((row) => String(row.id)).sort((a, b) => Number(a) - Number(b))
    })
  }

  async nextAttemptAfter(now: number, _limits: RateLimits): Promise<number | undefined> {
    this.#assertOpen()
    const { rows } = await this.#pool.query<{ at: number | null }>(SQL.nextAttempt, [now])
    return rows[0]?.at ?? undefined
  }

  onWork(listener: () => void): () => void {
    return this.#notifier?.on(listener) ?? (() => undefined)
  }

  async stats(): Promise<QueueStats> {
    this.#assertOpen()
    const { rows } = await this.#pool.query<{ state: string; count: number }>(SQL.stats)
    const counts = new Map(rows.map((row) => [row.state, row.count]))
    return { pending: counts.get('pending') ?? 0, inFlight: counts.get('in_flight') ?? 0, deadLetters: counts.get('dead') ?? 0 }
  }

  async ready(): Promise<QueueReadiness> {
    const backend = 'postgres'
    if (this.#closed) return { ready: false, backend, reason: 'the queue is closed' }
    try {
      // After a failed commit, only a commit tells whether the database takes writes again.
      if (this.#health.failure) await this.#durably((db) => db.query(SQL.probe, [String(this.#now())]))
      else await this.#pool.query('SELECT 1')
      return { ready: true, backend }
    } catch (error) {
      return { ready: false, backend, reason: this.#health.failure ?? `the database cannot be reached: ${(error as Error).message}` }
    }
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    this.#assertOpen()
    return (await this.#pool.query<DeadRow>(SQL.deadLetters, [limit])).rows.map(toDeadLetter)
  }

  async replay(ids: readonly string[] | 'all'): Promise<number> {
    this.#assertOpen()
    let count = 0
    if (ids !== 'all') {
      count = await this.#durably(async (db, wake) => {
        // A follow-up only goes out after its delivery's first post: its dead first post comes back with it.
        const targets = (await db.query<{ id: number; order_key: string }>(SQL.replayTargets, [postIds(ids)])).rows
        return this.#replay(
          db,
          wake,
          targets.map((row) => row.id),
          targets.map((row) => row.order_key),
        )
      })
    } else {
      // In slices of order keys, so that no transaction holds too many locks.
      for (;;) {
        const replayed = await this.#durably(async (db, wake) => {
          const keys = (await db.query<{ order_key: string }>(SQL.deadKeys, [MAX_KEYS_PER_TRANSACTION])).rows.map((row) => row.order_key)
          if (keys.length === 0) return undefined
          await this.#lockKeys(db, keys)
          const dead = (await db.query<{ id: number }>(SQL.deadOfKeys, [keys])).rows.map((row) => row.id)
          return this.#replay(db, wake, dead, keys)
        })
        if (replayed === undefined) break
        count += replayed
      }
    }
    return count
  }

  async #replay(db: pg.ClientBase, wake: () => void, ids: number[], keys: string[]): Promise<number> {
    if (ids.length === 0) return 0
    await this.#lockKeys(db, keys)
    const { rowCount } = await db.query(SQL.replay, [ids, this.#now()])
    for (const key of new Set(keys)) await this.#promote(db, key)
    wake()
    return rowCount ?? 0
  }

  /** Forget dedupe keys and delivered posts older than 24 h, and idle lanes (on start and every 10 minutes, on every instance). */
  async prune(): Promise<void> {
    if (this.#closed) return
    const now = this.#now()
    const before = now - DEDUPE_WINDOW_MS
    await this.#pool.query(SQL.pruneDelivered, [before])
    await this.#pool.query(SQL.pruneDeliveries, [before])
    await this.#pool.query(SQL.pruneLanes, [laneIdleBefore(this.#limits, now), now])
    await this.#pool.query(SQL.pruneBursts, [now])
  }

  /** Commit what is waiting, stop listening, close the connections. */
  async close(): Promise<void> {
    if (this.#closed) return
    const draining = this.#groupCommit.drain()
    this.#closed = true
    clearInterval(this.#pruneTimer)
    await draining
    if (this.#notifying) {
      clearTimeout(this.#notifying)
      this.#notifying = undefined
      await this.#pool.query(SQL.notify, [this.#channel]).catch(() => undefined)
    }
    await this.#notifier?.close()
    await this.#pool.end()
  }

  /**
   * Tell every instance (this one included) that posts may have become claimable, once what is
   * being committed now has committed: one NOTIFY for everything within a few milliseconds.
   */
  #notify(): void {
    if (this.#notifying) return
    this.#notifying = setTimeout(() => {
      this.#notifying = undefined
      if (!this.#closed) void this.#pool.query(SQL.notify, [this.#channel]).catch(() => undefined)
    }, NOTIFY_AFTER_MS)
  }

  /** Move the head of `key` to the post that may go out next (see heads.ts). */
  async #promote(db: pg.ClientBase, key: string): Promise<void> {
    const row = (await db.query<Partial<KeyFirst> & { in_flight: number | null }>(SQL.firstOfKey, [key])).rows[0]
    const first = row?.id == null ? undefined : (row as KeyFirst)
    const head = chooseHead(first, row?.in_flight ?? undefined)
    await db.query(SQL.moveHead, [key, head ?? -1])
  }

  /** Lock a post's order key and its pending follow-ups' keys; returns them. */
  async #lockKeysAround(db: pg.ClientBase, id: number): Promise<string[]> {
    return (await db.query<{ order_key: string }>(SQL.lockKeysAround, [id, this.#lockPrefix])).rows.map((row) => row.order_key)
  }

  /**
   * Serialise transactions that touch the same order keys (until commit): an enqueue that finds a
   * key busy must not miss the completion that frees it, or the key would be left headless.
   * Sorted, so that two transactions never wait for each other's keys crosswise.
   */
  async #lockKeys(db: pg.ClientBase, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return
    await db.query(SQL.lockKeys, [keys, this.#lockPrefix])
  }

  /** Advisory locks are database-wide: this queue's are namespaced by its schema. */
  get #lockPrefix(): string {
    return `${this.schema}:`
  }

  /**
   * Run `write` in a transaction; resolves once it has committed (PostgreSQL's commit is durable).
   * `wake()` asks for a NOTIFY once the commit is done.
   */
  async #durably<T>(write: (db: pg.PoolClient, wake: () => void) => Promise<T>, proves = true): Promise<T> {
    return this.#health.track(async () => {
      const db = await this.#pool.connect()
      let broken = false
      let woken = false
      try {
        await db.query('BEGIN')
        const result = await write(db, () => (woken = true))
        await db.query('COMMIT')
        if (woken) this.#notify()
        return result
      } catch (error) {
        await db.query('ROLLBACK').catch(() => {
          broken = true
        })
        throw withoutRowData(error)
      } finally {
        db.release(broken)
      }
    }, proves)
  }

  async #migrate(): Promise<void> {
    const db = await this.#pool.connect()
    try {
      // Several instances starting at once: one migrates, the others wait and then find nothing to do.
      await db.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [`${this.#lockPrefix}schema migrations`])
      try {
        await db.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`)
        await db.query(
          'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
        )
        const current = (await db.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations')).rows[0]?.version ?? 0
        for (const step of migrationsToRun(current, POSTGRES_MIGRATIONS, `the PostgreSQL queue (schema ${this.schema})`)) {
          await db.query('BEGIN')
          try {
            await step.up(db)
            await db.query('INSERT INTO schema_migrations (version, description) VALUES ($1, $2)', [step.version, step.description])
            await db.query('COMMIT')
          } catch (error) {
            await db.query('ROLLBACK')
            throw error
          }
        }
      } finally {
        await db.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [`${this.#lockPrefix}schema migrations`])
      }
    } finally {
      db.release()
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('the queue is closed')
  }
}

/**
 * A database error as the queue passes it on: its message and code, without `detail`, which
 * PostgreSQL fills with the failing row ("Failing row contains (…)") — a Missive token included.
 */
function withoutRowData(error: unknown): unknown {
  if (!(error instanceof pg.DatabaseError)) return error
  return Object.assign(new Error(error.message), { code: error.code })
}

const INT8_ARRAY = 1016

/** bigint columns as numbers (ms timestamps and ids stay far below 2^53), bigint[] as number[]. */
function typeParser(oid: number, format?: string): (value: string) => unknown {
  if (oid === pg.types.builtins.INT8) return Number
  if (oid === INT8_ARRAY) {
    const parse = pg.types.getTypeParser(INT8_ARRAY as never, 'text') as (value: string) => string[]
    return (value: string) => parse(value).map(Number)
  }
  return pg.types.getTypeParser(oid, (format ?? 'text') as 'text') as (value: string) => unknown
}

/** The id a digest created in this transaction has until its id is drawn. */
const NEW_DIGEST = -1

/** A post row one enqueue transaction inserts: a delivery's own post or follow-up, or a new digest. */
interface NewRow {
  delivery: PendingDelivery
  seq: number
  orderKey: string
  body: string
  dueAt: number
  key: string
  event: string | null
  head: boolean
  id?: number
}

/** A bursting key in one enqueue transaction: its stored row, and its digest post while that takes folds. */
interface BatchBurst {
  lane: Buffer
  orderKey: string
  row: BurstRow | undefined
  /** A stored pending digest's id, or the digest row this transaction creates. */
  digest: number | NewRow | undefined
  changed: boolean
}

interface BurstColumns {
  window_start: number
  window_end: number
  sent: number
  digest_id: number | null
  state: string | null
}

function burstKey(lane: Buffer, orderKey: string): string {
  return `${lane.toString('hex')}:${orderKey}`
}

function toBurstColumns(row: BurstRow): BurstColumns {
  return { window_start: row.windowStart, window_end: row.windowEnd, sent: row.sent, digest_id: row.digestId, state: row.state }
}
