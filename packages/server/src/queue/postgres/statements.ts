/**
 * Every statement the PostgreSQL queue runs, as text (node-postgres prepares nothing by default).
 * They mirror sqlite/statements.ts; where they differ, it is for several instances: order keys
 * are locked (advisory locks) before they are read, lanes are locked while claiming (SKIP LOCKED:
 * a busy lane is another instance's to serve), heads are taken FOR UPDATE SKIP LOCKED.
 */
export const SQL = {
  // A digest older than the window is taken over; a fresh one is a duplicate (no row returned).
  // Digests go in sorted order, so that two batches never wait on each other's keys crosswise.
  recordDeliveries: `
    INSERT INTO deliveries (digest, received_at) SELECT digest, $2 FROM unnest($1::bytea[]) AS digest
    ON CONFLICT (digest) DO UPDATE SET received_at = excluded.received_at WHERE deliveries.received_at <= $3
    RETURNING digest`,
  seen: 'SELECT 1 FROM deliveries WHERE digest = $1 AND received_at > $2',
  // Transaction-level advisory locks, one per order key (a 64-bit hash within the schema), taken in
  // sorted order so that two transactions never wait for each other's keys crosswise.
  lockKeys: `
    SELECT pg_advisory_xact_lock(lock) FROM (
      SELECT DISTINCT hashtextextended($2 || key, 0) AS lock FROM unnest($1::text[]) AS key ORDER BY lock
    ) AS locks`,
  // The same for the keys a post's outcome touches (its own, its pending follow-ups'), returned.
  lockKeysAround: `
    SELECT order_key, pg_advisory_xact_lock(lock) FROM (
      SELECT DISTINCT order_key, hashtextextended($2 || order_key, 0) AS lock FROM posts
      WHERE id = $1 OR (after_id = $1 AND state = 'pending') ORDER BY lock
    ) AS locks`,
  activeKeys: "SELECT DISTINCT order_key FROM posts WHERE order_key = ANY($1) AND state IN ('pending', 'in_flight')",
  nextIds: "SELECT nextval('posts_id_seq') AS id FROM generate_series(1, $1)",
  insertPosts: `
    INSERT INTO posts (id, delivery_key, seq, order_key, after_id, lane, provider, event, token, body, state, is_head,
      attempts, due_at, created_at, updated_at)
    SELECT id, delivery_key, seq, order_key, after_id, lane, provider, event, token, body, 'pending', is_head, 0, due_at, $11, $11
    FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::bigint[], $6::bytea[], $7::text[], $8::text[], $9::text[], $10::text[],
      $12::boolean[], $13::bigint[]) AS p(id, delivery_key, seq, order_key, after_id, lane, provider, event, token, body, is_head, due_at)`,
  // Burst windows (see bursts.ts) of the keys a batch holds locked.
  burstsOf: `
    SELECT b.lane, b.order_key, b.window_start, b.window_end, b.sent, b.digest_id, b.state
    FROM bursts b JOIN unnest($1::bytea[], $2::text[]) AS k(lane, order_key) ON b.lane = k.lane AND b.order_key = k.order_key`,
  // A digest still pending takes more folds; locked, so that no claim takes it meanwhile (a claim
  // that took it first has made it in flight: a new digest starts).
  lockPendingDigests: "SELECT id FROM posts WHERE id = ANY($1) AND state = 'pending' ORDER BY id FOR UPDATE",
  foldDigests: `
    UPDATE posts SET body = f.body, updated_at = $3 FROM unnest($1::bigint[], $2::text[]) AS f(id, body)
    WHERE posts.id = f.id AND posts.state = 'pending'`,
  saveBursts: `
    INSERT INTO bursts (lane, order_key, window_start, window_end, sent, digest_id, state)
    SELECT decode(b.lane, 'hex'), b.order_key, b.window_start, b.window_end, b.sent, b.digest_id, b.state
    FROM jsonb_to_recordset($1::jsonb) AS b(lane text, order_key text, window_start bigint, window_end bigint, sent integer, digest_id bigint, state text)
    ON CONFLICT (lane, order_key) DO UPDATE SET window_start = excluded.window_start, window_end = excluded.window_end, sent = excluded.sent,
      digest_id = excluded.digest_id, state = excluded.state`,
  pruneBursts: 'DELETE FROM bursts WHERE window_end < $1',
  // Sent after the commit, on its own: a transaction that notifies holds a database-wide lock
  // through its commit, which would serialise every instance's commits.
  notify: "SELECT pg_notify($1, '')",
  // Lanes with a head due now, by a loose index scan of posts_due (one probe per lane), that are
  // open and not full: a glance without a transaction, so that a busy queue's wake-ups stay cheap.
  dueLanes: `
    WITH RECURSIVE l(lane) AS (
      (SELECT lane FROM posts WHERE is_head ORDER BY lane LIMIT 1)
      UNION ALL
      SELECT (SELECT p.lane FROM posts p WHERE p.is_head AND p.lane > l.lane ORDER BY p.lane LIMIT 1) FROM l WHERE l.lane IS NOT NULL
    )
    SELECT * FROM (
      SELECT l.lane, lanes.lane IS NOT NULL AS stored,
        (SELECT count(*) FROM (SELECT 1 FROM posts p WHERE p.lane = l.lane AND p.is_head AND p.due_at <= $1 LIMIT $3) AS heads) AS due
      FROM l LEFT JOIN lanes ON lanes.lane = l.lane
      WHERE l.lane IS NOT NULL AND COALESCE(lanes.open_at, 0) <= $1
        AND (SELECT count(*) FROM posts f WHERE f.lane = l.lane AND f.state = 'in_flight' AND f.due_at > $1) < $2
    ) AS lanes WHERE due > 0`,
  createLanes: 'INSERT INTO lanes (lane) SELECT unnest($1::bytea[]) ON CONFLICT (lane) DO NOTHING',
  // Skipped, not waited for, when another instance is claiming from it right now.
  lockLanes: `
    SELECT lane, starts, paused_until, served_at FROM lanes WHERE lane = ANY($1) AND open_at <= $2
    ORDER BY lane FOR UPDATE SKIP LOCKED`,
  // After the lanes are locked (a statement of its own, so that it sees every claim committed before).
  inFlight: "SELECT lane, count(*) AS in_flight FROM posts WHERE lane = ANY($1) AND state = 'in_flight' AND due_at > $2 GROUP BY lane",
  // Each lane's due heads, oldest due first (pending ones, and in-flight ones whose lease ran out), marked in flight.
  claimHeads: `
    UPDATE posts SET state = 'in_flight', attempts = posts.attempts + 1, due_at = $4, claimed_by = $5, updated_at = $3
    FROM (
      SELECT head.id, head.state AS was FROM unnest($1::bytea[], $2::int[]) AS share(lane, take)
      CROSS JOIN LATERAL (
        SELECT id, state FROM posts WHERE lane = share.lane AND is_head AND due_at <= $3 ORDER BY due_at, id LIMIT share.take
        FOR UPDATE SKIP LOCKED
      ) AS head
    ) AS picked
    WHERE posts.id = picked.id
    RETURNING posts.id, posts.lane, posts.provider, posts.event, posts.token, posts.body, posts.attempts, posts.first_error_at,
      posts.created_at, picked.was = 'in_flight' AS resumed,
      (SELECT parent.conversation_id FROM posts AS parent WHERE parent.id = posts.after_id) AS parent_conversation`,
  saveLanes: `
    UPDATE lanes SET starts = saved.starts, open_at = saved.open_at, served_at = saved.served_at
    FROM jsonb_to_recordset($1::jsonb) AS saved(lane text, starts bigint[], open_at bigint, served_at bigint)
    WHERE lanes.lane = decode(saved.lane, 'hex')`,
  firstOfKey: `
    SELECT first.id, first.state, first.after_id,
      (SELECT parent.state FROM posts AS parent WHERE parent.id = first.after_id) AS parent_state,
      (SELECT head.id FROM posts AS head WHERE head.order_key = $1 AND head.is_head AND head.state = 'in_flight' LIMIT 1) AS in_flight
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
      SELECT id, state, after_id FROM posts WHERE order_key = $1 AND state IN ('pending', 'in_flight') ORDER BY id LIMIT 1
    ) AS first ON true`,
  moveHead: 'UPDATE posts SET is_head = (id = $2) WHERE order_key = $1 AND (is_head OR id = $2) AND is_head <> (id = $2)',
  // Whichever attempt reports it: Missive has the post.
  complete: `
    UPDATE posts SET state = 'delivered', is_head = false, last_error = NULL, conversation_id = COALESCE($2, conversation_id), updated_at = $3
    WHERE id = $1 AND state IN ('pending', 'in_flight')`,
  // Only the attempt that holds the post may put it back or give it up; a 429 pauses its lane.
  retry: `
    WITH retried AS (
      UPDATE posts SET state = 'pending', due_at = $3, first_error_at = $4, last_error = $5, http_status = $6, updated_at = $7
      WHERE id = $1 AND state = 'in_flight' AND attempts = $2
      RETURNING lane
    )
    INSERT INTO lanes (lane, paused_until, open_at) SELECT lane, $8, $8 FROM retried WHERE $8::bigint IS NOT NULL
    ON CONFLICT (lane) DO UPDATE SET paused_until = GREATEST(lanes.paused_until, excluded.paused_until),
      open_at = GREATEST(lanes.open_at, excluded.open_at)`,
  deadLetter: `
    UPDATE posts SET state = 'dead', is_head = false, last_error = $3, http_status = $4, first_error_at = COALESCE(first_error_at, $5),
      updated_at = $5
    WHERE id = $1 AND state = 'in_flight' AND attempts = $2`,
  deadFollowUps: `
    UPDATE posts SET state = 'dead', is_head = false, last_error = $2, first_error_at = COALESCE(first_error_at, $3), updated_at = $3
    WHERE after_id = $1 AND state = 'pending'
    RETURNING id`,
  // Retries and leases (of every instance), and lanes shut by a window or a pause.
  nextAttempt: `
    SELECT LEAST(
      (SELECT min(due_at) FROM posts WHERE is_head AND due_at > $1),
      (SELECT min(open_at) FROM lanes WHERE open_at > $1 AND EXISTS (SELECT 1 FROM posts p WHERE p.lane = lanes.lane AND p.is_head))
    ) AS at`,
  stats: "SELECT state, count(*) AS count FROM posts WHERE state IN ('pending', 'in_flight', 'dead') GROUP BY state",
  deadLetters: `
    SELECT id, provider, event, body, attempts, created_at, last_error, http_status, updated_at
    FROM posts WHERE state = 'dead' ORDER BY updated_at DESC, id DESC LIMIT $1`,
  // What replaying these ids brings back: each dead post, and the dead first post a follow-up waits for.
  replayTargets: `
    SELECT DISTINCT target.id, target.order_key FROM posts AS own
    JOIN posts AS target ON target.id = own.id OR target.id = own.after_id
    WHERE own.id = ANY($1) AND own.state = 'dead' AND target.state = 'dead'`,
  deadKeys: "SELECT DISTINCT order_key FROM posts WHERE state = 'dead' ORDER BY order_key LIMIT $1",
  deadOfKeys: "SELECT id FROM posts WHERE order_key = ANY($1) AND state = 'dead'",
  replay: `
    UPDATE posts SET state = 'pending', attempts = 0, due_at = $2, first_error_at = NULL, last_error = NULL, http_status = NULL, updated_at = $2
    WHERE id = ANY($1) AND state = 'dead'`,
  pruneDelivered: "DELETE FROM posts WHERE state = 'delivered' AND updated_at < $1",
  pruneDeliveries: 'DELETE FROM deliveries WHERE received_at < $1',
  pruneLanes: 'DELETE FROM lanes WHERE served_at < $1 AND paused_until < $2',
  probe: "INSERT INTO meta (key, value) VALUES ('probe', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
} as const
