import { createHash } from 'node:crypto'
import { MAX_RETRY_AFTER_SECONDS, MissiveApiError, redact } from '@missive-integrations/core'
import type { MissiveClient } from '@missive-integrations/core'
import type { Logger } from 'pino'
import type { DeliveryBackend, DeliveryObserver, PostQueue, QueuedPost } from '../queue/types.js'
import { backoff, DEFAULT_RETRY_POLICY } from './backoff.js'
import type { RetryPolicy } from './backoff.js'
import { rateLimits } from './rate-limiter.js'
import type { RateLimits } from './rate-limiter.js'

export interface DeliveryWorkerOptions {
  /** Where posts come from: the embedded SQLite queue, PostgreSQL, or any other backend. */
  queue: DeliveryBackend & Pick<PostQueue, 'stats'>
  client: Pick<MissiveClient, 'createPost'>
  logger: Logger
  observer?: DeliveryObserver
  /** Per-token limits (kept by the queue, across instances when it is shared); Missive's documented ones by default. */
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

/** An outcome Missive gave that the queue could not record yet: kept and retried in memory. */
interface Unrecorded {
  record: () => Promise<void>
  /** What to do once it is recorded (metrics, logs). */
  recorded: () => void
  context: Record<string, unknown>
}

/** The first retry of an unrecorded outcome waits this long, each further one twice as long, up to 30 s. */
const RECORD_RETRY_MS = 250
const RECORD_RETRY_CAP_MS = 30_000

/**
 * Sends queued posts to Missive: in arrival order per conversation (the queue hands out only the
 * head of each order key), under each token's rate limits (the queue's claim keeps them, for every
 * instance that shares it), retrying what can be retried and dead-lettering the rest.
 */
export class DeliveryWorker {
  readonly limits: RateLimits
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
  readonly #unrecorded = new Map<string, Unrecorded>()
  #recordTimer: NodeJS.Timeout | undefined
  #recordDelayMs = RECORD_RETRY_MS
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
    this.limits = rateLimits(options.limits)
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
    this.#unsubscribe = this.#queue.onWork(() => this.#wake())
    this.#loop = this.#run()
  }

  /**
   * Stop claiming, and resolve once the requests in flight have finished and their outcomes are
   * recorded (or, if the queue still cannot record them, logged as such).
   */
  async stop(): Promise<void> {
    this.#running = false
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
    this.#wake()
    await this.#loop
    this.#loop = undefined
    await Promise.allSettled([...this.#inFlight])
    clearTimeout(this.#recordTimer)
    await this.#recordUnrecorded()
    for (const { context } of this.#unrecorded.values()) {
      this.#logger.error(
        context,
        'stopping with an outcome the queue could not record: the post stays in flight and is sent again after a restart (or its lease)',
      )
    }
    this.#unrecorded.clear()
  }

  /** Resolves once nothing is pending, in flight or waiting to be recorded (retries included): handy for tests. */
  async idle(): Promise<void> {
    for (;;) {
      if (this.#inFlight.size === 0 && this.#unrecorded.size === 0) {
        const stats = await this.#queue.stats()
        if (stats.pending === 0 && stats.inFlight === 0 && this.#inFlight.size === 0 && this.#unrecorded.size === 0) return
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
        if (free > 0) claimed = await this.#queue.claim({ now, limit: free, limits: this.limits })
      } catch (error) {
        this.#logger.error({ err: describe(error) }, 'could not claim posts from the queue; trying again shortly')
        await this.#wait(this.#pollIntervalMs)
        continue
      }
      for (const item of claimed) {
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
   * Until the next retry falls due, a lease runs out or a rate-limited lane opens. With nothing
   * timed ahead, posts in flight wake the worker when they finish; otherwise it polls (another
   * process or instance may have queued or replayed posts without a wake-up reaching this one).
   */
  async #nextWakeDelay(now: number): Promise<number | undefined> {
    let at: number | undefined
    try {
      at = await this.#queue.nextAttemptAfter(now, this.limits)
    } catch {
      // The next claim reports it.
    }
    if (at !== undefined) return Math.max(1, Math.min(at - now, this.#pollIntervalMs))
    return this.#inFlight.size > 0 ? undefined : this.#pollIntervalMs
  }

  async #deliver(item: QueuedPost): Promise<void> {
    const attempt = item.attempt
    const context = { provider: item.provider, event: item.event, postId: item.id, attempt, lane: lane(item.token) }
    // A commit that links the very conversation its push landed in is not posted there twice: the
    // push's own post already is that conversation's news.
    if (item.post.conversation !== undefined && item.post.conversation === item.parentConversation) {
      await this.#record(
        item.id,
        context,
        () => this.#queue.complete(item),
        () => {
          this.#logger.debug(context, 'follow-up not sent: it targets the conversation its first post landed in')
        },
      )
      return
    }
    if (item.resumed) {
      // At-least-once: Missive may have received the previous attempt before its process died.
      this.#observer.resent?.({ provider: item.provider, event: item.event, attempts: attempt })
      this.#logger.warn(context, 'sending a post again: its previous attempt was cut off (a crash or a lost lease), so Missive may already have it')
    }
    let conversation: string | undefined
    try {
      conversation = (await this.#client.createPost(item.token, item.post)).conversation
    } catch (error) {
      await this.#failed(item, attempt, error, context)
      return
    }
    // Missive has the post. It is marked delivered at once; the window left is Missive's whole
    // round trip: a crash while the request is out (or before this commit) sends it again.
    await this.#record(
      item.id,
      context,
      () => this.#queue.complete(item, { conversation }),
      () => {
        const latencyMs = Math.max(0, this.#now() - item.createdAt)
        this.#observer.delivered?.({ provider: item.provider, event: item.event, attempts: attempt, latencyMs })
        this.#logger.debug({ ...context, latencyMs }, 'post delivered')
      },
    )
  }

  async #failed(item: QueuedPost, attempt: number, error: unknown, context: Record<string, unknown>): Promise<void> {
    const apiError = error instanceof MissiveApiError ? error : undefined
    // Anything that is not a MissiveApiError is unexpected: retried like a network error.
    const failure = apiError?.failure ?? 'unexpected'
    const message = redact(apiError?.message ?? describe(error), item.token)
    const httpStatus = apiError?.httpStatus
    const now = this.#now()
    if (apiError && !apiError.retryable) {
      await this.#deadLetter(item, attempt, message, httpStatus, { ...context, failure, httpStatus })
      return
    }
    const firstErrorAt = item.firstErrorAt ?? now
    const deadline = firstErrorAt + this.#retry.maxAgeMs
    if (now >= deadline) {
      const hours = Math.round((now - firstErrorAt) / 3_600_000)
      const reason = `gave up after ${attempt} attempts over ${hours} h; last error: ${message}`
      await this.#deadLetter(item, attempt, reason, httpStatus, { ...context, failure, httpStatus })
      return
    }

    let delayMs = backoff(attempt, this.#retry, this.#random)
    // Whatever client reported it, a peer's Retry-After parks a post (and its lane) an hour at most.
    const retryAfterMs = apiError?.retryAfterSeconds === undefined ? undefined : Math.min(apiError.retryAfterSeconds, MAX_RETRY_AFTER_SECONDS) * 1000
    if (failure === 'rate_limited' && retryAfterMs !== undefined) delayMs = retryAfterMs
    else if (retryAfterMs !== undefined) delayMs = Math.max(delayMs, retryAfterMs)
    // The 24 h give-up holds for parked posts too: the last try falls on the deadline.
    const nextAttemptAt = Math.min(now + delayMs, deadline)
    delayMs = nextAttemptAt - now
    // A 429 pauses the token's whole lane (for every instance) until Missive's Retry-After.
    const pauseTokenUntil = failure === 'rate_limited' ? nextAttemptAt : undefined
    await this.#record(
      item.id,
      context,
      () => this.#queue.retry(item, { nextAttemptAt, firstErrorAt, error: message, httpStatus, pauseTokenUntil }),
      () => {
        this.#observer.retried?.({ provider: item.provider, event: item.event, attempts: attempt, failure, delayMs })
        this.#logger.warn({ ...context, failure, httpStatus, delayMs, error: message }, 'post delivery failed; will retry')
      },
    )
  }

  async #deadLetter(item: QueuedPost, attempt: number, reason: string, httpStatus: number | undefined, context: Record<string, unknown>): Promise<void> {
    let followUps: string[] = []
    await this.#record(
      item.id,
      context,
      async () => {
        followUps = await this.#queue.deadLetter(item, { reason, httpStatus })
      },
      () => {
        this.#observer.deadLettered?.({ provider: item.provider, event: item.event, attempts: attempt, reason })
        this.#logger.error({ ...context, reason, followUps }, 'post moved to dead letters')
        for (const _id of followUps) {
          this.#observer.deadLettered?.({ provider: item.provider, event: item.event, attempts: 0, reason: `its delivery's first post failed: ${reason}` })
        }
      },
    )
  }

  /**
   * Record an attempt's outcome. When the queue cannot (a full disk, a lost database), the
   * outcome is kept in memory and recorded again until it can: the post stays in flight meanwhile
   * (its conversation waits), and it is never sent again because the queue failed once.
   */
  async #record(id: string, context: Record<string, unknown>, record: () => Promise<void>, recorded: () => void): Promise<void> {
    try {
      await record()
    } catch (error) {
      this.#logger.error({ ...context, err: describe(error) }, 'the queue could not record what Missive answered; retrying until it can')
      this.#unrecorded.set(id, { record, recorded, context })
      this.#scheduleRecording()
      return
    }
    recorded()
  }

  #scheduleRecording(): void {
    if (this.#recordTimer) return
    this.#recordTimer = setTimeout(() => {
      this.#recordTimer = undefined
      void this.#recordUnrecorded().then(() => {
        if (this.#unrecorded.size === 0) {
          this.#recordDelayMs = RECORD_RETRY_MS
          this.#wake()
          this.#notifyIdleWaiters()
          return
        }
        this.#recordDelayMs = Math.min(this.#recordDelayMs * 2, RECORD_RETRY_CAP_MS)
        this.#scheduleRecording()
      })
    }, this.#recordDelayMs)
    this.#recordTimer.unref()
  }

  async #recordUnrecorded(): Promise<void> {
    for (const [id, entry] of [...this.#unrecorded]) {
      try {
        await entry.record()
      } catch {
        continue
      }
      this.#unrecorded.delete(id)
      this.#logger.info(entry.context, 'recorded an outcome the queue could not take before')
      entry.recorded()
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
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        resolve()
      },
      { once: true },
    )
  })
}

/** A short, irreversible name for a token's lane, so that logs can tell lanes apart. */
function lane(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 8)
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
