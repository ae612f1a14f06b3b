import type { Config } from '../config.js'
import type { QueueBackend } from './types.js'

export interface OpenQueueOptions {
  /**
   * `server`: the process that delivers (SQLite takes DATA_DIR's single-writer lock); `tool`: the
   * CLI's `dead-letters` and `replay`, next to running servers.
   */
  role: 'server' | 'tool'
}

export interface OpenedQueue {
  queue: QueueBackend
  /** `sqlite` or `postgres`. */
  backend: string
  /** Where, for the start-up line: the file, or the database's host and name (never its password). */
  location: string
}

/**
 * The queue the configuration asks for: PostgreSQL when DATABASE_URL is set, else the embedded
 * SQLite file in DATA_DIR. Each backend's driver is loaded only when it is used.
 */
export async function openQueue(config: Pick<Config, 'dataDir' | 'databaseUrl' | 'leaseMs'>, options: OpenQueueOptions): Promise<OpenedQueue> {
  if (config.databaseUrl !== undefined) {
    const { openPostgresQueue, describeDatabase } = await import('./postgres/queue.js')
    const queue = await openPostgresQueue({ connectionString: config.databaseUrl, leaseMs: config.leaseMs, role: options.role })
    return { queue, backend: 'postgres', location: describeDatabase(config.databaseUrl) }
  }
  const { openSqliteQueue } = await import('./sqlite/queue.js')
  const queue = await openSqliteQueue({ dataDir: config.dataDir, role: options.role })
  return { queue, backend: 'sqlite', location: queue.path }
}
