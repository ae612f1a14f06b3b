import type { ClientBase } from 'pg'
import type { Migration } from '../migrations.js'

/**
 * The PostgreSQL queue's schema, one step per version (table `schema_migrations`), in the
 * queue's own schema (`missive_integrations` by default). Every instance runs what is missing on
 * start, one at a time under an advisory lock, each step in its own transaction. Timestamps are
 * milliseconds since the epoch (bigint), as in the SQLite file, so both backends share their row
 * code.
 */
export const POSTGRES_MIGRATIONS: ReadonlyArray<Migration<ClientBase>> = [
  {
    version: 1,
    description: 'posts, dedupe keys, token lanes',
    up: async (db) => {
      await db.query(`
        -- Dedupe keys of the last 24 h, shared by every instance: a redelivery that lands on another
        -- instance is a duplicate there too. The key is the first 16 bytes of its SHA-256.
        CREATE TABLE deliveries (digest bytea PRIMARY KEY, received_at bigint NOT NULL);
        CREATE INDEX deliveries_received_at ON deliveries (received_at);

        -- Ids are drawn while the order keys' locks are held, so within a key they follow commit order.
        CREATE SEQUENCE posts_id_seq;
        CREATE TABLE posts (
          id bigint PRIMARY KEY,
          delivery_key text NOT NULL,
          seq integer NOT NULL,
          order_key text NOT NULL,
          after_id bigint,
          -- The token's lane: 16 bytes of its SHA-256.
          lane bytea NOT NULL,
          provider text NOT NULL,
          event text,
          token text NOT NULL,
          body text NOT NULL,
          state text NOT NULL CHECK (state IN ('pending', 'in_flight', 'delivered', 'dead')),
          -- The post of its order key that may go out next, or is out now (see heads.ts).
          is_head boolean NOT NULL DEFAULT false,
          -- Counted when an attempt is claimed: only its holder may retry or dead-letter the post.
          attempts integer NOT NULL DEFAULT 0,
          -- Pending: when it may be tried. In flight: when its lease runs out.
          due_at bigint NOT NULL,
          first_error_at bigint,
          last_error text,
          http_status integer,
          conversation_id text,
          -- The instance holding the lease (host:pid:random), for an operator's eyes.
          claimed_by text,
          created_at bigint NOT NULL,
          updated_at bigint NOT NULL
        );
        ALTER SEQUENCE posts_id_seq OWNED BY posts.id;
        CREATE INDEX posts_head ON posts (order_key) WHERE is_head;
        CREATE INDEX posts_due ON posts (lane, due_at, id) WHERE is_head;
        CREATE INDEX posts_due_at ON posts (due_at) WHERE is_head;
        CREATE INDEX posts_order_key ON posts (order_key, id) WHERE state IN ('pending', 'in_flight');
        CREATE INDEX posts_after_id ON posts (after_id) WHERE after_id IS NOT NULL;
        CREATE INDEX posts_in_flight ON posts (lane) WHERE state = 'in_flight';
        CREATE INDEX posts_updated_at ON posts (state, updated_at);

        -- One row per token lane, locked (SKIP LOCKED) by the instance claiming from it: Missive's
        -- limits hold across all instances together.
        CREATE TABLE lanes (
          lane bytea PRIMARY KEY,
          starts bigint[] NOT NULL DEFAULT '{}',
          paused_until bigint NOT NULL DEFAULT 0,
          open_at bigint NOT NULL DEFAULT 0,
          served_at bigint NOT NULL DEFAULT 0
        );

        CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL);
      `)
    },
  },
  {
    version: 2,
    description: 'burst digests',
    up: async (db) => {
      await db.query(`
        -- One row per token lane and order key: its current burst window (see bursts.ts).
        CREATE TABLE bursts (
          lane bytea NOT NULL,
          order_key text NOT NULL,
          window_start bigint NOT NULL,
          window_end bigint NOT NULL,
          sent integer NOT NULL,
          digest_id bigint,
          state text,
          PRIMARY KEY (lane, order_key)
        );
        CREATE INDEX bursts_window_end ON bursts (window_end);
      `)
    },
  },
]
