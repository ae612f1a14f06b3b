import { EventEmitter } from 'node:events'
import pg from 'pg'

/**
 * `LISTEN` on the queue's channel with a connection of its own: every instance hears when any
 * instance queued, replayed or finished posts, so idle workers wake at once instead of polling
 * fast. Notifications coalesce into one `work` event per event-loop turn. A lost connection is
 * reopened after a second; meanwhile the workers' polling covers.
 * @see https://www.postgresql.org/docs/current/sql-notify.html
 */
export class Notifier {
  readonly #config: pg.ClientConfig
  readonly #channel: string
  readonly #events = new EventEmitter()
  #client: pg.Client | undefined
  #retry: NodeJS.Timeout | undefined
  #scheduled = false
  #closed = false

  constructor(config: pg.ClientConfig, channel: string) {
    this.#config = config
    this.#channel = channel
    this.#events.setMaxListeners(0)
  }

  /** Connect and listen; resolves once listening (a failure here is retried in the background). */
  async start(): Promise<void> {
    if (this.#closed) return
    const client = new pg.Client(this.#config)
    client.on('notification', () => this.#emit())
    client.on('error', () => this.#reconnect(client))
    client.on('end', () => this.#reconnect(client))
    try {
      await client.connect()
      await client.query(`LISTEN "${this.#channel}"`)
    } catch {
      this.#reconnect(client)
      return
    }
    this.#client = client
    // Whatever happened while it was not listening.
    this.#emit()
  }

  on(listener: () => void): () => void {
    this.#events.on('work', listener)
    return () => this.#events.off('work', listener)
  }

  async close(): Promise<void> {
    this.#closed = true
    clearTimeout(this.#retry)
    this.#events.removeAllListeners()
    const client = this.#client
    this.#client = undefined
    await client?.end().catch(() => undefined)
  }

  #emit(): void {
    if (this.#scheduled) return
    this.#scheduled = true
    setImmediate(() => {
      this.#scheduled = false
      this.#events.emit('work')
    })
  }

  #reconnect(client: pg.Client): void {
    if (this.#client === client) this.#client = undefined
    void client.end().catch(() => undefined)
    if (this.#closed || this.#retry) return
    this.#retry = setTimeout(() => {
      this.#retry = undefined
      void this.start()
    }, 1_000)
    this.#retry.unref()
  }
}
