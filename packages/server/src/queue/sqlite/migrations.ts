import type Database from 'better-sqlite3'
import { laneOf } from '../lanes.js'
import type { Migration } from '../migrations.js'

/**
 * The queue file's schema, one step per version (`PRAGMA user_version`). A new file runs them
 * all; an older file runs the ones it lacks, in one transaction. Every index is written at its
 * tail on enqueue (or only for heads and follow-ups), so a batch of webhooks touches a handful of
 * pages.
 */
export const SQLITE_MIGRATIONS: ReadonlyArray<Migration<Database.Database>> = [
  {
    version: 1,
    description: 'posts and dedupe keys',
    up: (db) =>
      db.exec(`
        CREATE TABLE deliveries (dedupe_key TEXT PRIMARY KEY, received_at INTEGER NOT NULL) WITHOUT ROWID;
        CREATE INDEX deliveries_received_at ON deliveries (received_at);
        -- AUTOINCREMENT: ids are never reused after pruning, so they keep arrival order for good.
        CREATE TABLE posts (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          delivery_key TEXT NOT NULL,
          seq INTEGER NOT NULL,
          order_key TEXT NOT NULL,
          after_id INTEGER,
          provider TEXT NOT NULL,
          event TEXT,
          token TEXT NOT NULL,
          body TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('pending', 'in_flight', 'delivered', 'dead')),
          is_head INTEGER NOT NULL DEFAULT 0,
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at INTEGER NOT NULL,
          first_error_at INTEGER,
          last_error TEXT,
          http_status INTEGER,
          conversation_id TEXT,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX posts_state ON posts (state, next_attempt_at);
        CREATE INDEX posts_head ON posts (order_key) WHERE is_head = 1;
        CREATE INDEX posts_due ON posts (token, next_attempt_at, id) WHERE is_head = 1 AND state = 'pending';
        CREATE INDEX posts_order_key ON posts (order_key, id) WHERE state IN ('pending', 'in_flight');
        CREATE INDEX posts_after_id ON posts (after_id) WHERE after_id IS NOT NULL;
        CREATE INDEX posts_updated_at ON posts (state, updated_at);
      `),
  },
  {
    // A random-key index wrote a random page per webhook: dedupe keys become an append-only log
    // (looked up in memory, see DedupeIndex), and only heads need a due-time index.
    version: 2,
    description: 'append-only dedupe keys',
    up: (db) =>
      db.exec(`
        DROP INDEX deliveries_received_at;
        ALTER TABLE deliveries RENAME TO deliveries_v1;
        CREATE TABLE deliveries (id INTEGER PRIMARY KEY, dedupe_key TEXT NOT NULL, received_at INTEGER NOT NULL);
        CREATE INDEX deliveries_received_at ON deliveries (received_at);
        INSERT INTO deliveries (dedupe_key, received_at) SELECT dedupe_key, received_at FROM deliveries_v1 ORDER BY received_at;
        DROP TABLE deliveries_v1;
        DROP INDEX posts_state;
      `),
  },
  {
    // Rate limits move from the worker's memory into the file (a restart no longer forgets a
    // burst), posts are claimed by lane (a token's hash), and an in-flight post keeps its head
    // with a lease in due_at: the same model as the PostgreSQL backend.
    version: 3,
    description: 'token lanes, leases, attempts counted at claim',
    up: (db) => {
      db.exec(`
        ALTER TABLE posts RENAME COLUMN next_attempt_at TO due_at;
        ALTER TABLE posts ADD COLUMN lane BLOB NOT NULL DEFAULT x'';
        DROP INDEX posts_due;
        CREATE INDEX posts_due ON posts (lane, due_at, id) WHERE is_head = 1;
        CREATE INDEX posts_due_at ON posts (due_at) WHERE is_head = 1;
        CREATE INDEX posts_in_flight ON posts (lane) WHERE state = 'in_flight';
        CREATE TABLE lanes (
          lane BLOB PRIMARY KEY,
          -- Start times of the lane's recent requests (JSON array, oldest first).
          starts TEXT NOT NULL DEFAULT '[]',
          paused_until INTEGER NOT NULL DEFAULT 0,
          -- When windows and pause allow a request again (concurrency aside).
          open_at INTEGER NOT NULL DEFAULT 0,
          served_at INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      `)
      const setLane = db.prepare('UPDATE posts SET lane = ? WHERE token = ?')
      for (const { token } of db.prepare<[], { token: string }>('SELECT DISTINCT token FROM posts').all()) setLane.run(laneOf(token), token)
      // Version 2 counted an attempt when it ended; version 3 when it starts. A post in flight
      // was claimed by a process that is gone: its head is restored when the queue opens.
      db.exec("UPDATE posts SET attempts = attempts + 1 WHERE state = 'in_flight'")
    },
  },
  {
    // Burst digests (see bursts.ts): one row per token lane and order key, for the current window.
    version: 4,
    description: 'burst digests',
    up: (db) =>
      db.exec(`
        CREATE TABLE bursts (
          lane BLOB NOT NULL,
          order_key TEXT NOT NULL,
          window_start INTEGER NOT NULL,
          window_end INTEGER NOT NULL,
          sent INTEGER NOT NULL,
          digest_id INTEGER,
          state TEXT,
          PRIMARY KEY (lane, order_key)
        ) WITHOUT ROWID;
        CREATE INDEX bursts_window_end ON bursts (window_end);
      `),
  },
]
