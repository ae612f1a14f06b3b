import { randomUUID } from 'node:crypto'
import type { DeadLetter, EnqueueRequest, EnqueueResult, PostQueue, QueueStats } from '../../src/queue/types.js'

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
    this.enqueued.push(structuredClone(delivery))
    return { status: 'queued', queued: delivery.posts.length, ids: delivery.posts.map(() => randomUUID()) }
  }

  async seen(dedupeKey: string): Promise<boolean> {
    return this.#seen.has(dedupeKey)
  }

  async stats(): Promise<QueueStats> {
    return { pending: this.enqueued.reduce((n, d) => n + d.posts.length, 0), inFlight: 0, deadLetters: this.dead.length }
  }

  async ready(): Promise<boolean> {
    return this.isReady
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
