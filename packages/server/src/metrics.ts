import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { DeliveryObserver, PostQueue } from './queue/types.js'

/** What a webhook request came to, as counted by `webhooks_total`. */
export type WebhookOutcomeLabel = 'queued' | 'folded' | 'duplicate' | 'skipped' | 'filtered' | 'rejected' | 'error'

/** The server's Prometheus metrics, in a Registry of their own (never prom-client's global one). */
export interface Metrics {
  readonly registry: Registry
  /** Count one webhook request. */
  webhook(provider: string, event: string, outcome: WebhookOutcomeLabel): void
  /** Feeds the delivery counters and latency from the worker. */
  readonly observer: DeliveryObserver
  /** Report the queue's depth on every scrape. */
  watchQueue(queue: Pick<PostQueue, 'stats'>): void
}

export interface CreateMetricsOptions {
  /** Node process metrics (CPU, memory, event loop); default true. */
  processMetrics?: boolean
}

/** Create the metrics served at `GET /metrics`. */
export function createMetrics(options: CreateMetricsOptions = {}): Metrics {
  const registry = new Registry()
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry })

  const webhooks = new Counter({
    name: 'webhooks_total',
    help: 'Webhook requests by provider, event and outcome (queued, folded into a burst digest, duplicate, skipped, filtered, rejected, error)',
    labelNames: ['provider', 'event', 'outcome'] as const,
    registers: [registry],
  })
  const delivered = new Counter({
    name: 'posts_delivered_total',
    help: 'Posts the Missive API accepted',
    labelNames: ['provider'] as const,
    registers: [registry],
  })
  const retried = new Counter({
    name: 'posts_retried_total',
    help: 'Post deliveries that failed and will be retried (429, 5xx, network, timeout)',
    labelNames: ['provider'] as const,
    registers: [registry],
  })
  const deadLettered = new Counter({
    name: 'posts_dead_lettered_total',
    help: 'Posts that failed permanently and went to dead letters',
    labelNames: ['provider'] as const,
    registers: [registry],
  })
  const resent = new Counter({
    name: 'posts_resent_total',
    help: 'Posts sent again because their previous attempt was cut off (a crash, a lost lease): each may be a duplicate in Missive',
    labelNames: ['provider'] as const,
    registers: [registry],
  })
  const latency = new Histogram({
    name: 'delivery_latency_seconds',
    help: 'Time from a webhook being queued to its post being accepted by Missive',
    labelNames: ['provider'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  })

  let queue: Pick<PostQueue, 'stats'> | undefined
  // Read from the queue at scrape time, so the gauges are never stale and cost nothing between
  // scrapes; with PostgreSQL they count the whole shared queue, whichever instance is scraped.
  new Gauge({
    name: 'queue_depth',
    help: 'Posts waiting to be delivered or being delivered',
    registers: [registry],
    async collect() {
      if (!queue) return
      const stats = await queue.stats()
      this.set(stats.pending + stats.inFlight)
    },
  })
  new Gauge({
    name: 'queue_dead_letters',
    help: 'Posts in dead letters (see `missive-integrations dead-letters`)',
    registers: [registry],
    async collect() {
      if (!queue) return
      this.set((await queue.stats()).deadLetters)
    },
  })

  return {
    registry,
    webhook(provider, event, outcome) {
      webhooks.inc({ provider, event, outcome })
    },
    observer: {
      delivered(info) {
        delivered.inc({ provider: info.provider })
        latency.observe({ provider: info.provider }, info.latencyMs / 1000)
      },
      retried(info) {
        retried.inc({ provider: info.provider })
      },
      deadLettered(info) {
        deadLettered.inc({ provider: info.provider })
      },
      resent(info) {
        resent.inc({ provider: info.provider })
      },
    },
    watchQueue(watched) {
      queue = watched
    },
  }
}
