import { randomUUID } from 'node:crypto'
import type { DeadLetter, EnqueueRequest, EnqueueResult, PostQueue, QueueReadiness, QueueStats } from '../../src/queue/types.js'

/** An in-memory PostQueue for route tests: records what was enqueued, dedupes by key. */
export class MemoryQueue implements PostQueue {
  readonly enqueued: EnqueueRequest[] = []
  readonly #seen = new Set<string>()
  isReady = true
  /** Make the next enqueue calls fail, as a full disk would. */
  failEnqueue = false
  /** Make the next enqueue calls refuse with this error, as the queue does for a delivery over its limits. */
  refuse: Error | undefined
  dead: DeadLetter[] = []

  async enqueue(delivery: EnqueueRequest): Promise<EnqueueResult> {
    if (this.failEnqueue) throw new Error('disk full')
    if (this.refuse) throw this.refuse
    if (this.#seen.has(delivery.dedupeKey)) return { status: 'duplicate', queued: 0 }
    this.#seen.add(delivery.dedupeKey)
    // The burst plan holds functions (and lives only until the commit): kept as it is.
    const { burst, ...data } = delivery
    this.enqueued.push({ ...structuredClone(data), ...(burst ? { burst } : {}) })
    return { status: 'queued', queued: delivery.posts.length, ids: delivery.posts.map(() => randomUUID()) }
  }

  async seen(dedupeKey: string): Promise<boolean> {
    return this.#seen.has(dedupeKey)
  }

  async stats(): Promise<QueueStats> {
    return { pending: this.enqueued.reduce((n, d) => n + d.posts.length, 0), inFlight: 0, deadLetters: this.dead.length }
  }

  async ready(): Promise<QueueReadiness> {
    return this.isReady ? { ready: true, backend: 'memory' } : { ready: false, backend: 'memory', reason: 'told not to be' }
  }

  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    return this.dead.slice(0, limit)
  }

  async replay(ids: readonly string[] | 'all'): Promise<number> {
    const before = this.dead.length
    this.dead = ids === 'all' ? [] : this.dead.filter((d) => !ids.includes(d.id))
    return before - this.dead.length
  }

  async close(): Promise<void> {}
}
