import { createHash } from 'node:crypto'
import { MissiveApiError, redact } from '@missive-integrations/core'
import type { MissiveClient } from '@missive-integrations/core'
import type { Logger } from 'pino'
import type { DeliveryBackend, DeliveryObserver, PostQueue, QueuedPost } from '../queue/types.js'
import { backoff, DEFAULT_RETRY_POLICY } from './backoff.js'
import type { RetryPolicy } from './backoff.js'
import { RateLimiter } from './rate-limiter.js'
import type { RateLimits } from './rate-limiter.js'

export interface DeliveryWorkerOptions {
  /** Where posts come from: the embedded SQLite queue or any other backend. */
  queue: DeliveryBackend & Pick<PostQueue, 'stats'>
  client: Pick<MissiveClient, 'createPost'>
  logger: Logger
  observer?: DeliveryObserver
  /** Per-token limits; Missive's documented ones by default. */
  limits?: Partial<RateLimits>
  retry?: Partial<RetryPolicy>
  /** Requests in flight at once across all tokens (default 50). */
  maxInFlight?: number
  /** Look at the queue at least this often even when nothing wakes the worker (default 1 s). */
  pollIntervalMs?: number
  /** The clock (ms since the epoch); injectable, with `sleep`, for tests of long windows. */
  now?: () => number
  /** Wait `ms` or until `signal` aborts, whichever comes first. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>
  /** Jitter source in [0, 1). */
  random?: () => number
}

/**
 * Sends queued posts to Missive: in arrival order per conversation (the queue hands out only the
 * head of each order key), under each token's rate limits, retrying what can be retried and
 * dead-lettering the rest.
 */
export class DeliveryWorker {
  readonly limiter: RateLimiter
  readonly #queue: DeliveryWorkerOptions['queue']
  readonly #client: DeliveryWorkerOptions['client']
  readonly #logger: Logger
  readonly #observer: DeliveryObserver
  readonly #retry: RetryPolicy
  readonly #maxInFlight: number
  readonly #pollIntervalMs: number
  readonly #now: () => number
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>
  readonly #random: () => number
  readonly #inFlight = new Set<Promise<void>>()
  readonly #idleWaiters = new Set<() => void>()
  #loop: Promise<void> | undefined
  #running = false
  #woken = false
  #wakeUp: (() => void) | undefined
  #unsubscribe: (() => void) | undefined

  constructor(options: DeliveryWorkerOptions) {
    this.#queue = options.queue
    this.#client = options.client
    this.#logger = options.logger
    this.#observer = options.observer ?? {}
    this.limiter = new RateLimiter(options.limits)
    this.#retry = { ...DEFAULT_RETRY_POLICY, ...options.retry }
    this.#maxInFlight = options.maxInFlight ?? 50
    this.#pollIntervalMs = options.pollIntervalMs ?? 1_000
    this.#now = options.now ?? Date.now
    this.#sleep = options.sleep ?? sleep
    this.#random = options.random ?? Math.random
  }

  /** Start delivering (idempotent). */
  start(): void {
    if (this.#running) return
    this.#running = true
    this.#unsubscribe = this.#queue.onWork((tokens) => {
      // Under load most new posts belong to a token that is at its limit: the worker already
      // sleeps until that lane opens, and waking it for each webhook would only repeat a claim
      // that cannot take anything.
      if (tokens && tokens.length > 0) {
        const now = this.#now()
        if (tokens.every((token) => this.limiter.isBlocked(token, now))) return
      }
      this.#wake()
    })
    this.#loop = this.#run()
  }

  /** Stop claiming, and resolve once the requests in flight have finished and been recorded. */
  async stop(): Promise<void> {
    this.#running = false
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
    this.#wake()
    await this.#loop
    this.#loop = undefined
    await Promise.allSettled([...this.#inFlight])
  }

  /** Resolves once nothing is pending or in flight (retries included): handy for tests. */
  async idle(): Promise<void> {
    for (;;) {
      if (this.#inFlight.size === 0) {
        const stats = await this.#queue.stats()
        if (stats.pending === 0 && stats.inFlight === 0 && this.#inFlight.size === 0) return
      }
      await new Promise<void>((resolve) => this.#idleWaiters.add(resolve))
    }
  }

  async #run(): Promise<void> {
    while (this.#running) {
      this.#woken = false
      const now = this.#now()
      let claimed: QueuedPost[] = []
      try {
        const free = this.#maxInFlight - this.#inFlight.size
        if (free > 0) {
          claimed = await this.#queue.claim({
            now,
            limit: free,
            skipTokens: this.limiter.blockedTokens(now),
            accept: (item) => this.limiter.tryAcquire(item.token, now),
          })
        }
      } catch (error) {
        this.#logger.error({ err: describe(error) }, 'could not claim posts from the queue; trying again shortly')
        await this.#wait(this.#pollIntervalMs)
        continue
      }
      for (const item of claimed) {
        // Count the request from when it really starts (after the claim's commit and the requests
        // started before it), so that the windows measure what Missive sees.
        this.limiter.started(item.token, now, this.#now())
        const delivery = this.#deliver(item).finally(() => {
          this.#inFlight.delete(delivery)
          this.#wake()
        })
        this.#inFlight.add(delivery)
      }
      if (claimed.length > 0) continue

      this.#notifyIdleWaiters()
      if (this.#woken || !this.#running) continue
      await this.#wait(await this.#nextWakeDelay(now))
    }
  }

  /**
   * Until the next retry falls due or a rate-limited lane opens. With nothing timed ahead, posts in
   * flight wake the worker when they finish; otherwise it polls (another process may have
   * replayed dead letters in the same file).
   */
  async #nextWakeDelay(now: number): Promise<number | undefined> {
    let at: number | undefined
    try {
      at = await this.#queue.nextAttemptAfter(now)
    } catch {
      // The next claim reports it.
    }
    const opening = this.limiter.nextOpening(now)
    if (opening !== undefined) at = Math.min(at ?? opening, opening)
    if (at !== undefined) return Math.max(1, Math.min(at - now, this.#pollIntervalMs))
    return this.#inFlight.size > 0 ? undefined : this.#pollIntervalMs
  }

  async #deliver(item: QueuedPost): Promise<void> {
    const attempt = item.attempts + 1
    const context = { provider: item.provider, event: item.event, postId: item.id, attempt, lane: lane(item.token) }
    // A commit that links the very conversation its push landed in is not posted there twice: the
    // push's own post already is that conversation's news.
    if (item.post.conversation !== undefined && item.post.conversation === item.parentConversation) {
      this.limiter.release(item.token)
      await this.#queue.complete(item.id)
      this.#logger.debug(context, 'follow-up not sent: it targets the conversation its first post landed in')
      return
    }
    let conversation: string | undefined
    try {
      conversation = (await this.#client.createPost(item.token, item.post)).conversation
    } catch (error) {
      this.limiter.release(item.token)
      await this.#failed(item, attempt, error, context)
      return
    }
    this.limiter.release(item.token)
    // Missive has the post. It is marked delivered in this very tick (better-sqlite3 writes the
    // log synchronously; complete() resolves once it is flushed), so that a restart never sends it
    // again. The one window left: a crash between Missive's answer and this commit (well under a
    // millisecond) re-sends exactly the post whose answer was lost, since it is in flight on disk.
    try {
      await this.#queue.complete(item.id, { conversation })
    } catch (error) {
      this.#logger.error({ ...context, err: describe(error) }, 'Missive accepted the post but the queue could not record it; it may be sent again after a restart')
      return
    }
    const latencyMs = Math.max(0, this.#now() - item.createdAt)
    this.#observer.delivered?.({ provider: item.provider, event: item.event, attempts: attempt, latencyMs })
    this.#logger.debug({ ...context, latencyMs }, 'post delivered')
  }

  async #failed(item: QueuedPost, attempt: number, error: unknown, context: Record<string, unknown>): Promise<void> {
    const apiError = error instanceof MissiveApiError ? error : undefined
    // Anything that is not a MissiveApiError is unexpected: retried like a network error.
    const failure = apiError?.failure ?? 'unexpected'
    const message = redact(apiError?.message ?? describe(error), item.token)
    const httpStatus = apiError?.httpStatus
    const now = this.#now()
    try {
      if (apiError && !apiError.retryable) {
        await this.#deadLetter(item, attempt, message, httpStatus, { ...context, failure, httpStatus })
        return
      }
      const firstErrorAt = item.firstErrorAt ?? now
      if (now - firstErrorAt >= this.#retry.maxAgeMs) {
        const hours = Math.round((now - firstErrorAt) / 3_600_000)
        const reason = `gave up after ${attempt} attempts over ${hours} h; last error: ${message}`
        await this.#deadLetter(item, attempt, reason, httpStatus, { ...context, failure, httpStatus })
        return
      }

      let delayMs = backoff(attempt, this.#retry, this.#random)
      const retryAfterMs = apiError?.retryAfterSeconds === undefined ? undefined : apiError.retryAfterSeconds * 1000
      if (failure === 'rate_limited') {
        // A 429 pauses the token's whole lane until Missive's Retry-After, not just this post.
        if (retryAfterMs !== undefined) delayMs = retryAfterMs
        this.limiter.pause(item.token, now + delayMs)
      } else if (retryAfterMs !== undefined) {
        delayMs = Math.max(delayMs, retryAfterMs)
      }
      await this.#queue.retry(item.id, { nextAttemptAt: now + delayMs, firstErrorAt, error: message, httpStatus })
      this.#observer.retried?.({ provider: item.provider, event: item.event, attempts: attempt, failure, delayMs })
      this.#logger.warn({ ...context, failure, httpStatus, delayMs, error: message }, 'post delivery failed; will retry')
    } catch (queueError) {
      this.#logger.error({ ...context, err: describe(queueError) }, 'could not record a failed delivery; it is retried after a restart')
    }
  }

  async #deadLetter(
    item: QueuedPost,
    attempt: number,
    reason: string,
    httpStatus: number | undefined,
    context: Record<string, unknown>,
  ): Promise<void> {
    const followUps = await this.#queue.deadLetter(item.id, { reason, httpStatus })
    this.#observer.deadLettered?.({ provider: item.provider, event: item.event, attempts: attempt, reason })
    this.#logger.error({ ...context, reason, followUps }, 'post moved to dead letters')
    for (const _id of followUps) {
      this.#observer.deadLettered?.({ provider: item.provider, event: item.event, attempts: 0, reason: `its delivery's first post failed: ${reason}` })
    }
  }

  /** Sleep `ms`, or until woken when undefined. */
  async #wait(ms: number | undefined): Promise<void> {
    if (this.#woken || !this.#running) return
    const controller = new AbortController()
    const woken = new Promise<void>((resolve) => {
      this.#wakeUp = resolve
    })
    await (ms === undefined ? woken : Promise.race([this.#sleep(ms, controller.signal), woken]))
    this.#wakeUp = undefined
    controller.abort()
  }

  #wake(): void {
    this.#woken = true
    this.#wakeUp?.()
  }

  #notifyIdleWaiters(): void {
    const waiters = [...this.#idleWaiters]
    this.#idleWaiters.clear()
    for (const resolve of waiters) resolve()
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    // Posts in flight keep the process alive; a worker waiting for its next retry need not.
    timer.unref()
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    }, { once: true })
  })
}

/** A short, irreversible name for a token's lane, so that logs can tell lanes apart. */
function lane(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 8)
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
