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
