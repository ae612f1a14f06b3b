// The two queue backends as the conformance suite sees them: a fresh store per test (a temporary
// DATA_DIR, or a PostgreSQL schema of its own), opened as many times as a test needs instances.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { openPostgresQueue, type PostgresQueue } from '../../src/queue/postgres/queue.ts'
import { openSqliteQueue, type SqliteQueue } from '../../src/queue/sqlite/queue.ts'
import type { QueueBackend } from '../../src/queue/types.ts'

export type TestQueue = QueueBackend & { readonly commits: number; prune(): void | Promise<void> }

export interface OpenOptions {
  now?: () => number
  role?: 'server' | 'tool'
}

/** One store (file or schema) and the queues opened on it. */
export interface Store {
  /** Open a queue on this store: another instance (PostgreSQL) or the same file again (SQLite, once the last is closed). */
  open(options?: OpenOptions): Promise<TestQueue>
  /**
   * What the store does when a process holding posts in flight dies, seen from a survivor: the
   * queue to carry on with, and the time from which the dead process's posts are claimable.
   * SQLite: the next server to open the file takes them back at once. PostgreSQL: another
   * instance, once their lease (counted from `now`, when they were claimed) has run out.
   */
  afterCrash(dead: TestQueue, now: number, options?: OpenOptions): Promise<{ queue: TestQueue; claimableAt: number }>
  /** Make every write fail, as a full disk does, until the returned function is called. */
  failWrites(): Promise<() => Promise<void>>
  /** Close every queue opened here and remove the store. */
  destroy(): Promise<void>
}

export interface BackendFactory {
  name: 'sqlite' | 'postgres'
  store(): Promise<Store>
}

export const sqliteBackend: BackendFactory = {
  name: 'sqlite',
  async store() {
    const dir = mkdtempSync(join(tmpdir(), 'queue-test-'))
    const queues = new Set<SqliteQueue>()
    const store: Store = {
      async open(options = {}) {
        const queue = await openSqliteQueue({ dataDir: dir, ...options })
        queues.add(queue)
        return queue
      },
      async afterCrash(dead, now, options = {}) {
        // A crash leaves the rows as they are; closing only releases the file and its lock.
        await dead.close()
        return { queue: await store.open(options), claimableAt: now }
      },
      async failWrites() {
        const db = new Database(join(dir, 'queue.sqlite'))
        const tables = ['posts', 'deliveries', 'meta', 'lanes']
        db.exec(
          tables
            .flatMap((table) =>
              ['INSERT', 'UPDATE'].map(
                (op) => `CREATE TRIGGER full_${table}_${op} BEFORE ${op} ON ${table} BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;`,
              ),
            )
            .join('\n'),
        )
        return async () => {
          db.exec(tables.flatMap((table) => ['INSERT', 'UPDATE'].map((op) => `DROP TRIGGER full_${table}_${op};`)).join('\n'))
          db.close()
        }
      },
      async destroy() {
        for (const queue of queues) await queue.close()
        rmSync(dir, { recursive: true, force: true })
      },
    }
    return store
  },
}

/** DATABASE_URL for the PostgreSQL tests; they are skipped (visibly) without it, and required in CI. */
export const DATABASE_URL = process.env.DATABASE_URL
export const LEASE_MS = 30_000

export const postgresBackend: BackendFactory = {
  name: 'postgres',
  async store() {
    const schema = `test_${randomBytes(6).toString('hex')}`
    const queues = new Set<PostgresQueue>()
    const store: Store = {
      async open(options = {}) {
        const queue = await openPostgresQueue({ connectionString: DATABASE_URL!, schema, leaseMs: LEASE_MS, poolSize: 4, ...options })
        queues.add(queue)
        return queue
      },
      async afterCrash(dead, now, options = {}) {
        // The dead instance never closes: its leases run out on the database's rows.
        queues.delete(dead as PostgresQueue)
        void dead.close()
        return { queue: await store.open(options), claimableAt: now + LEASE_MS }
      },
      async failWrites() {
        const tables = ['posts', 'deliveries', 'meta', 'lanes']
        await sql(`
          CREATE FUNCTION ${schema}.disk_full() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$;
          ${tables.map((table) => `CREATE TRIGGER disk_full BEFORE INSERT OR UPDATE ON ${schema}.${table} FOR EACH ROW EXECUTE FUNCTION ${schema}.disk_full();`).join('\n')}
        `)
        return async () => {
          await sql(`${tables.map((table) => `DROP TRIGGER disk_full ON ${schema}.${table};`).join('\n')} DROP FUNCTION ${schema}.disk_full();`)
        }
      },
      async destroy() {
        for (const queue of queues) await queue.close()
        await sql(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      },
    }
    return store
  },
}

/** Run SQL on the test database with a connection of its own. */
export async function sql(text: string, values: unknown[] = [], connectionString = DATABASE_URL!): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString })
  await client.connect()
  try {
    return await client.query(text, values)
  } finally {
    await client.end()
  }
}

/** A database of its own (for tests that run servers on the default schema); returns its URL and how to drop it. */
export async function createDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`
  await sql(`CREATE DATABASE ${name}`)
  const url = new URL(DATABASE_URL!)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      await sql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    },
  }
}
