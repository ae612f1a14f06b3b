import type { BurstPlan } from '@missive-integrations/core'
import { dedupeDigest } from './dedupe.js'
import { laneOf } from './lanes.js'
import { MAX_POSTS_PER_WEBHOOK, TooManyPostsError } from './errors.js'
import { orderKey } from './order-key.js'
import type { EnqueueRequest, EnqueueResult } from './types.js'

/**
 * A delivery waiting for its commit: what the rows need, and not the posts themselves (so the
 * post objects and the request are garbage while the batch waits for the disk).
 */
export interface PendingDelivery {
  dedupeKey: string
  digest: Buffer
  provider: string
  event: string | undefined
  token: string
  lane: Buffer
  /** Each post serialised, and the key it is ordered on. */
  posts: Array<{ body: string; orderKey: string }>
  /** How its post folds into a burst digest (a delivery of one post only). */
  burst: BurstPlan | undefined
}

/** Check and serialise a delivery: a post that cannot be stored fails its own request, not a batch. */
export function prepareDelivery(request: EnqueueRequest): PendingDelivery {
  if (request.posts.length > MAX_POSTS_PER_WEBHOOK) throw new TooManyPostsError(request.provider, request.event, request.posts.length)
  const posts = request.posts.map((post, seq) => ({ body: JSON.stringify(post), orderKey: orderKey(post, `${request.dedupeKey}#${seq}`) }))
  const { dedupeKey, provider, event, token } = request
  const burst = request.burst && posts.length === 1 ? request.burst : undefined
  return { dedupeKey, digest: dedupeDigest(dedupeKey), provider, event, token, lane: laneOf(token), posts, burst }
}

/** Commits one batch in one transaction; resolves (once durable) to each delivery's result, in order. */
export type CommitBatch = (batch: PendingDelivery[]) => Promise<EnqueueResult[]>

export interface GroupCommitOptions {
  /**
   * How long a delivery waits for others to share its commit. 0 (the default) commits at the end
   * of the current event-loop turn: every request that arrived in the same turn shares one commit.
   */
  batchWindowMs?: number
  /**
   * Batches committing at once. More arrive while one commits, and go together in the next: with
   * many webhooks in flight, one commit (one fsync) acknowledges a whole group.
   */
  concurrency?: number
  /** Deliveries in one batch at most; the rest wait for the next. */
  maxBatch?: number
}

interface Waiting {
  delivery: PendingDelivery
  resolve: (result: EnqueueResult) => void
  reject: (error: unknown) => void
}

/**
 * Group commit, shared by both backends: deliveries that arrive together are committed in one
 * transaction, and none is acknowledged before that transaction is durable. The same dedupe key
 * twice in one batch is a duplicate of the first (decided here, before the backend sees it).
 */
export class GroupCommit {
  readonly #commit: CommitBatch
  readonly #batchWindowMs: number
  readonly #concurrency: number
  readonly #maxBatch: number
  #waiting: Waiting[] = []
  #scheduled = false
  #running = new Set<Promise<void>>()
  #commits = 0

  constructor(commit: CommitBatch, options: GroupCommitOptions = {}) {
    this.#commit = commit
    this.#batchWindowMs = options.batchWindowMs ?? 0
    this.#concurrency = options.concurrency ?? Infinity
    this.#maxBatch = options.maxBatch ?? Infinity
  }

  /** Batches committed so far, for tests and benchmarks. */
  get commits(): number {
    return this.#commits
  }

  add(request: EnqueueRequest): Promise<EnqueueResult> {
    let delivery: PendingDelivery
    try {
      delivery = prepareDelivery(request)
    } catch (error) {
      return Promise.reject(error)
    }
    return new Promise<EnqueueResult>((resolve, reject) => {
      this.#waiting.push({ delivery, resolve, reject })
      this.#schedule()
    })
  }

  /** Commit everything waiting now, and resolve once every batch started so far has settled. */
  async drain(): Promise<void> {
    while (this.#waiting.length > 0 || this.#running.size > 0) {
      this.#flush()
      await Promise.allSettled([...this.#running])
    }
  }

  #schedule(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    if (this.#batchWindowMs > 0) setTimeout(() => this.#flush(), this.#batchWindowMs)
    else setImmediate(() => this.#flush())
  }

  #flush(): void {
    this.#scheduled = false
    while (this.#waiting.length > 0 && this.#running.size < this.#concurrency) this.#commitNext()
  }

  #commitNext(): void {
    const batch = this.#waiting.splice(0, this.#maxBatch)
    const first = new Map<string, Waiting>()
    const unique: Waiting[] = []
    const repeats: Waiting[] = []
    for (const waiting of batch) {
      const key = waiting.delivery.digest.toString('latin1')
      if (first.has(key)) repeats.push(waiting)
      else {
        first.set(key, waiting)
        unique.push(waiting)
      }
    }
    let committing: Promise<EnqueueResult[]>
    try {
      committing = this.#commit(unique.map((waiting) => waiting.delivery))
    } catch (error) {
      committing = Promise.reject(error)
    }
    const running = committing
      .then(
        (results) => {
          this.#commits++
          unique.forEach((waiting, index) => waiting.resolve(results[index]!))
          for (const waiting of repeats) waiting.resolve({ status: 'duplicate', queued: 0 })
        },
        (error: unknown) => {
          for (const waiting of batch) waiting.reject(error)
        },
      )
      .finally(() => {
        this.#running.delete(running)
        if (this.#waiting.length > 0) this.#flush()
      })
    this.#running.add(running)
  }
}
