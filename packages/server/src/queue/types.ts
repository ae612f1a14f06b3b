import type { MissivePost } from '@missive-integrations/core'

/**
 * The delivery queue, as the HTTP layer sees it. The embedded default is a SQLite file; a Redis
 * (BullMQ) backend for several server instances implements the same interface, so the HTTP layer
 * never changes when the backend does.
 */
export interface PostQueue {
  /**
   * Commit a delivery's posts durably (on disk when the promise resolves), in order: `posts[0]` is
   * the delivery's own post, the rest are follow-ups delivered after it. A `dedupeKey` seen in the
   * last 24 h is acknowledged as a duplicate and not queued again.
   */
  enqueue(delivery: EnqueueRequest): Promise<EnqueueResult>
  /**
   * True when a delivery with this dedupe key was committed in the last 24 h, so the HTTP layer
   * can answer a redelivery before reading its body. Only a hint: `enqueue` decides.
   */
  seen(dedupeKey: string): Promise<boolean>
  /** Counts for `/metrics` and `/readyz`. */
  stats(): Promise<QueueStats>
  /** True when the queue can accept and commit work (for `GET /readyz`). */
  ready(): Promise<boolean>
  /** Posts that failed permanently, newest first. */
  deadLetters(limit?: number): Promise<DeadLetter[]>
  /** Put dead letters back in the queue (by id, or all); returns how many were re-queued. */
  replay(ids: readonly string[] | 'all'): Promise<number>
  close(): Promise<void>
}

export interface EnqueueRequest {
  provider: string
  event: string | undefined
  /** `provider:deliveryId` when the sender gives one (X-GitHub-Delivery), else a hash of provider + token + body. */
  dedupeKey: string
  /** The Missive API token the posts are made with. Stored, never logged. */
  token: string
  posts: MissivePost[]
}

export type EnqueueResult =
  | { status: 'queued'; queued: number; ids: string[] }
  | { status: 'duplicate'; queued: 0 }

export interface QueueStats {
  /** Waiting to be sent (including those waiting for a retry). */
  pending: number
  /** Being sent right now. */
  inFlight: number
  deadLetters: number
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
  /** Attempts already made (0 on the first try). */
  attempts: number
  /** When the first failed attempt happened (ms since the epoch), for the 24 h retry window. */
  firstErrorAt: number | undefined
  /** When the post was enqueued (ms since the epoch). */
  createdAt: number
  /** For a follow-up: the conversation its delivery's first post landed in (Missive's answer). */
  parentConversation?: string | undefined
}

export interface ClaimOptions {
  /** The worker's clock (ms since the epoch): posts due by then are eligible. */
  now: number
  /** At most this many posts. */
  limit: number
  /** Tokens whose lane is full or paused: their posts are not considered (so they cannot starve others). */
  skipTokens?: Iterable<string>
  /**
   * The worker's last say on each eligible post, in queue order (the rate limiter takes its slot
   * here); false leaves the post pending.
   */
  accept?: (post: QueuedPost) => boolean
}

export interface RetryRequest {
  /** When to try again (ms since the epoch). */
  nextAttemptAt: number
  /** When the first failed attempt happened; kept from the first failure on. */
  firstErrorAt: number
  /** Why this attempt failed (token-free). */
  error: string
  httpStatus: number | undefined
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
 * first post is delivered — so a claim never breaks arrival order.
 */
export interface DeliveryBackend {
  /** Mark eligible posts in flight and return them, earliest due first. */
  claim(options: ClaimOptions): Promise<QueuedPost[]>
  /** Missive accepted the post: mark it delivered (durably) so that it is never sent again. */
  /** Mark a post delivered, with the conversation Missive put it in (its follow-ups read it). */
  complete(id: string, delivered?: { conversation?: string | undefined }): Promise<void>
  /** A retryable failure: back to pending until `nextAttemptAt`, still blocking its order key. */
  retry(id: string, request: RetryRequest): Promise<void>
  /**
   * A permanent failure (or retries exhausted). Its pending follow-ups can never be sent after it,
   * so they become dead letters too; their ids are returned.
   */
  deadLetter(id: string, request: DeadLetterRequest): Promise<string[]>
  /** The earliest retry time after `now` among pending posts, to sleep until; undefined if none. */
  nextAttemptAfter(now: number): Promise<number | undefined>
  /**
   * Called whenever new posts become claimable (enqueue, replay), with their tokens when known;
   * returns an unsubscribe function.
   */
  onWork(listener: (tokens?: readonly string[]) => void): () => void
}

/** A queue the server can run on: the HTTP layer's side and the worker's side. */
export interface QueueBackend extends PostQueue, DeliveryBackend {}
