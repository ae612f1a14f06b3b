import type { BurstPlan, MissivePost } from '@missive-integrations/core'
import type { RateLimits } from '../delivery/rate-limiter.js'

/**
 * The delivery queue, as the HTTP layer sees it. The embedded default is a SQLite file
 * (`sqlite/queue.ts`); PostgreSQL (`postgres/queue.ts`) lets several server instances share one
 * queue. Both implement the same interface and pass the same conformance suite, so the HTTP layer
 * never changes when the backend does.
 */
export interface PostQueue {
  /**
   * Commit a delivery's posts durably (on disk when the promise resolves), in order: `posts[0]` is
   * the delivery's own post, the rest are follow-ups delivered after it. A `dedupeKey` seen in the
   * last 24 h (by any instance) is acknowledged as a duplicate and not queued again. A delivery
   * with more than {@link MAX_POSTS_PER_WEBHOOK} posts is refused with a `TooManyPostsError` (422).
   */
  enqueue(delivery: EnqueueRequest): Promise<EnqueueResult>
  /**
   * True when a delivery with this dedupe key was committed in the last 24 h, so the HTTP layer
   * can answer a redelivery before reading its body. Only a hint: `enqueue` decides.
   */
  seen(dedupeKey: string): Promise<boolean>
  /** Counts for `/metrics` (the whole shared queue, whichever instance is asked). */
  stats(): Promise<QueueStats>
  /**
   * Whether the queue can accept and commit work now (for `GET /readyz`): not after a commit
   * failed (a full disk, a lost database) until one succeeds again.
   */
  ready(): Promise<QueueReadiness>
  /** Posts that failed permanently, newest first. */
  deadLetters(limit?: number): Promise<DeadLetter[]>
  /** Put dead letters back in the queue (by id, or all); returns how many were re-queued. */
  replay(ids: readonly string[] | 'all'): Promise<number>
  close(): Promise<void>
}

/** One webhook's posts. */
export interface EnqueueRequest {
  provider: string
  event: string | undefined
  /** `provider:deliveryId` when the sender gives one (X-GitHub-Delivery), else a hash of provider + token + body. */
  dedupeKey: string
  /** The Missive API token the posts are made with. Stored, never logged. */
  token: string
  posts: MissivePost[]
  /**
   * Burst digests (see bursts.ts): when the post's conversation already got `limit` posts on this
   * token in the current window, the post folds into the window's digest post instead, in the
   * same transaction, before the 202.
   */
  burst?: BurstPlan | undefined
}

export type EnqueueResult =
  /** `folded`: webhooks counted in a digest post instead of posts of their own (1 or absent). */
  { status: 'queued'; queued: number; ids: string[]; folded?: number } | { status: 'duplicate'; queued: 0 }

export interface QueueStats {
  /** Waiting to be sent (including those waiting for a retry). */
  pending: number
  /** Being sent right now (by any instance). */
  inFlight: number
  deadLetters: number
}

export interface QueueReadiness {
  ready: boolean
  /** `sqlite` or `postgres`. */
  backend: string
  /** Why not, when not ready (never a credential). */
  reason?: string | undefined
}

export interface DeadLetter {
  id: string
  provider: string
  event: string | undefined
  /** Why it failed: the Missive API's status and answer, token redacted. */
  reason: string
  httpStatus: number | undefined
  attempts: number
  createdAt: Date
  failedAt: Date
  post: MissivePost
}

/** What the delivery worker reports, for metrics and logs. */
export interface DeliveryObserver {
  delivered?(info: { provider: string; event: string | undefined; attempts: number; latencyMs: number }): void
  retried?(info: { provider: string; event: string | undefined; attempts: number; failure: string; delayMs: number }): void
  deadLettered?(info: { provider: string; event: string | undefined; attempts: number; reason: string }): void
  /** A post is sent again although its previous attempt may have reached Missive (a crash, a lost lease). */
  resent?(info: { provider: string; event: string | undefined; attempts: number }): void
}

/**
 * A post as the delivery worker sees it, claimed from a {@link DeliveryBackend}. Carries the token
 * because the worker needs it for the request; it is never logged.
 */
export interface QueuedPost {
  id: string
  provider: string
  event: string | undefined
  token: string
  post: MissivePost
  /**
   * This claim's attempt number (1 on the first try). An attempt cut off by a crash counts, and
   * only the holder of the latest attempt can retry or dead-letter the post.
   */
  attempt: number
  /**
   * True when the previous attempt was claimed but its outcome never recorded (its instance
   * crashed or lost its lease): Missive may already have this post, so sending it may double it.
   */
  resumed: boolean
  /** When the first failed attempt happened (ms since the epoch), for the 24 h retry window. */
  firstErrorAt: number | undefined
  /** When the post was enqueued (ms since the epoch). */
  createdAt: number
  /** For a follow-up: the conversation its delivery's first post landed in (Missive's answer). */
  parentConversation?: string | undefined
}

/** Which claim an outcome is for: a post's id and the attempt that claimed it. */
export type Claimed = Pick<QueuedPost, 'id' | 'attempt'>

export interface ClaimOptions {
  /** The worker's clock (ms since the epoch): posts due by then are eligible. */
  now: number
  /** At most this many posts. */
  limit: number
  /**
   * Per-token limits, kept by the backend across everything that shares it (one process for
   * SQLite, every instance for PostgreSQL): a claim never starts more than a token's lane allows.
   */
  limits: RateLimits
}

export interface RetryRequest {
  /** When to try again (ms since the epoch). */
  nextAttemptAt: number
  /** When the first failed attempt happened; kept from the first failure on. */
  firstErrorAt: number
  /** Why this attempt failed (token-free). */
  error: string
  httpStatus: number | undefined
  /** A 429: nothing more for the post's token, from any instance, until then. */
  pauseTokenUntil?: number | undefined
}

export interface DeadLetterRequest {
  /** The Missive API's status and answer, token redacted. */
  reason: string
  httpStatus: number | undefined
}

/**
 * What the delivery worker needs from a queue backend, next to {@link PostQueue} (what the HTTP
 * layer needs). A backend hands out, per order key (a post's conversation or first reference),
 * only the oldest post that is not delivered or dead, and a delivery's follow-ups only once its
 * first post is delivered — so a claim never breaks arrival order. A claimed post carries a lease:
 * if its outcome is not recorded in time (its process died), it is claimed again.
 */
export interface DeliveryBackend {
  /** Mark eligible posts in flight, within each token's limits, and return them, earliest due first. */
  claim(options: ClaimOptions): Promise<QueuedPost[]>
  /**
   * Missive accepted the post: mark it delivered (durably), with the conversation Missive put it
   * in (its follow-ups read it). Recorded whichever attempt reports it: Missive has the post.
   */
  complete(post: Claimed, delivered?: { conversation?: string | undefined }): Promise<void>
  /** A retryable failure: back to pending until `nextAttemptAt`, still blocking its order key. */
  retry(post: Claimed, request: RetryRequest): Promise<void>
  /**
   * A permanent failure (or retries exhausted). Its pending follow-ups can never be sent after it,
   * so they become dead letters too; their ids are returned.
   */
  deadLetter(post: Claimed, request: DeadLetterRequest): Promise<string[]>
  /**
   * The earliest time after `now` something may become claimable without a wake-up: a retry
   * falling due, a lease running out, a token's window or pause ending; undefined if none.
   */
  nextAttemptAfter(now: number, limits: RateLimits): Promise<number | undefined>
  /** Called whenever posts may have become claimable (enqueue, replay, a post finished elsewhere). */
  onWork(listener: () => void): () => void
}

/** A queue the server can run on: the HTTP layer's side and the worker's side. */
export interface QueueBackend extends PostQueue, DeliveryBackend {}
