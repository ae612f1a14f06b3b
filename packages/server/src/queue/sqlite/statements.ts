/** A lane row with the count of its posts in flight now. */
export interface LaneRow {
  lane: Buffer
  starts: string | null
  paused_until: number | null
  served_at: number | null
  in_flight: number
  due: number
}

/** A burst row as stored (see bursts.ts). */
export interface BurstDbRow {
  window_start: number
  window_end: number
  sent: number
  digest_id: number | null
  state: string | null
  digest_pending: number
}

/**
 * Every statement the SQLite queue runs, as text; they mirror postgres/statements.ts, less what
 * only several instances need (locks). INDEXED BY where the planner, without statistics, would
 * walk every pending post instead of a partial index of heads.
 */
export const SQL = {
  recordDelivery: 'INSERT INTO deliveries (dedupe_key, received_at) VALUES (?, ?)',
  recentDeliveries: 'SELECT dedupe_key, received_at FROM deliveries WHERE received_at > ? ORDER BY id',
  hasActive: "SELECT 1 AS found FROM posts WHERE order_key = ? AND state IN ('pending', 'in_flight') LIMIT 1",
  insertPost: `INSERT INTO posts (delivery_key, seq, order_key, after_id, lane, provider, event, token, body, state, is_head,
         attempts, due_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, 0, ?, ?, ?)`,
  // A key's burst window, and whether its digest post is still pending (it takes more folds).
  burstOf: `SELECT window_start, window_end, sent, digest_id, state,
         (SELECT state = 'pending' FROM posts WHERE posts.id = bursts.digest_id) AS digest_pending
       FROM bursts WHERE lane = ? AND order_key = ?`,
  saveBurst: `INSERT INTO bursts (lane, order_key, window_start, window_end, sent, digest_id, state)
       VALUES (@lane, @orderKey, @windowStart, @windowEnd, @sent, @digestId, @state)
       ON CONFLICT (lane, order_key) DO UPDATE SET window_start = excluded.window_start, window_end = excluded.window_end,
         sent = excluded.sent, digest_id = excluded.digest_id, state = excluded.state`,
  foldDigest: "UPDATE posts SET body = ?, updated_at = ? WHERE id = ? AND state = 'pending'",
  pruneBursts: 'DELETE FROM bursts WHERE window_end < ?',
  // Lanes with a head due now, by a loose index scan of posts_due (one probe per lane, not per
  // post), with their stored state and their posts in flight.
  dueLanes: `WITH RECURSIVE l(lane) AS (
         SELECT MIN(lane) FROM posts INDEXED BY posts_due WHERE is_head = 1
         UNION ALL
         SELECT (SELECT MIN(lane) FROM posts INDEXED BY posts_due WHERE is_head = 1 AND lane > l.lane) FROM l WHERE l.lane IS NOT NULL
       )
       SELECT * FROM (
         SELECT l.lane, lanes.starts, lanes.paused_until, lanes.served_at,
           (SELECT COUNT(*) FROM posts INDEXED BY posts_in_flight WHERE posts.lane = l.lane AND state = 'in_flight' AND due_at > @now) AS in_flight,
           (SELECT COUNT(*) FROM (SELECT 1 FROM posts INDEXED BY posts_due WHERE posts.lane = l.lane AND is_head = 1 AND due_at <= @now LIMIT @limit)) AS due
         FROM l LEFT JOIN lanes ON lanes.lane = l.lane
         WHERE l.lane IS NOT NULL AND COALESCE(lanes.open_at, 0) <= @now
       ) WHERE due > 0`,
  // A lane's due heads, oldest due first: pending ones, and in-flight ones whose lease ran out.
  dueHeads: `SELECT id, provider, event, token, body, attempts, first_error_at, created_at, state = 'in_flight' AS resumed,
         (SELECT parent.conversation_id FROM posts AS parent WHERE parent.id = posts.after_id) AS parent_conversation
       FROM posts INDEXED BY posts_due
       WHERE lane = ? AND is_head = 1 AND due_at <= ?
       ORDER BY due_at, id LIMIT ?`,
  markInFlight: "UPDATE posts SET state = 'in_flight', attempts = attempts + 1, due_at = ?, updated_at = ? WHERE id = ?",
  closeLane: 'UPDATE lanes SET open_at = @openAt WHERE lane = @lane',
  saveLane: `INSERT INTO lanes (lane, starts, open_at, served_at) VALUES (@lane, @starts, @openAt, @servedAt)
       ON CONFLICT (lane) DO UPDATE SET starts = excluded.starts, open_at = excluded.open_at, served_at = excluded.served_at`,
  // A 429 pauses the token's lane; a later, shorter Retry-After never shortens the pause.
  pauseLane: `INSERT INTO lanes (lane, paused_until, open_at) SELECT lane, @until, @until FROM posts WHERE id = @id
       ON CONFLICT (lane) DO UPDATE SET paused_until = MAX(paused_until, excluded.paused_until), open_at = MAX(open_at, excluded.open_at)`,
  laneOfPost: 'SELECT lane FROM posts WHERE id = ?',
  orderKeyOf: 'SELECT order_key FROM posts WHERE id = ?',
  firstActive: `SELECT id, state, after_id, (SELECT parent.state FROM posts AS parent WHERE parent.id = posts.after_id) AS parent_state
       FROM posts WHERE order_key = ? AND state IN ('pending', 'in_flight') ORDER BY id LIMIT 1`,
  inFlightHead: "SELECT id FROM posts INDEXED BY posts_head WHERE order_key = ? AND is_head = 1 AND state = 'in_flight' LIMIT 1",
  moveHead: 'UPDATE posts SET is_head = (id = @head) WHERE order_key = @key AND (is_head = 1 OR id = @head) AND is_head <> (id = @head)',
  activeOrderKeys: "SELECT DISTINCT order_key FROM posts WHERE state IN ('pending', 'in_flight')",
  followUpKeys: "SELECT DISTINCT order_key FROM posts WHERE after_id = ? AND state = 'pending'",
  deadOrderKeys: "SELECT DISTINCT order_key FROM posts WHERE state = 'dead'",
  // Whichever attempt reports it: Missive has the post.
  complete: `UPDATE posts SET state = 'delivered', is_head = 0, last_error = NULL, conversation_id = COALESCE(@conversation, conversation_id),
         updated_at = @now
       WHERE id = @id AND state IN ('pending', 'in_flight')`,
  // Only the attempt that holds the post may put it back or give it up.
  retry: `UPDATE posts SET state = 'pending', due_at = @nextAttemptAt, first_error_at = @firstErrorAt, last_error = @error,
         http_status = @httpStatus, updated_at = @now
       WHERE id = @id AND state = 'in_flight' AND attempts = @attempt`,
  deadLetter: `UPDATE posts SET state = 'dead', is_head = 0, last_error = @reason, http_status = @httpStatus,
         first_error_at = COALESCE(first_error_at, @now), updated_at = @now
       WHERE id = @id AND state = 'in_flight' AND attempts = @attempt`,
  pendingFollowUps: "SELECT id FROM posts WHERE after_id = ? AND state = 'pending' ORDER BY id",
  deadFollowUp: `UPDATE posts SET state = 'dead', is_head = 0, last_error = @reason, first_error_at = COALESCE(first_error_at, @now), updated_at = @now
       WHERE id = @id`,
  // Retries and leases: what becomes claimable by time alone. In-flight posts here never expire
  // (one process holds the file), so their lease is left out.
  nextDue: 'SELECT MIN(due_at) AS at FROM posts INDEXED BY posts_due_at WHERE is_head = 1 AND due_at > ? AND due_at < ?',
  nextLaneOpening: `SELECT MIN(open_at) AS at FROM lanes WHERE open_at > ?
         AND EXISTS (SELECT 1 FROM posts INDEXED BY posts_due WHERE posts.lane = lanes.lane AND is_head = 1)`,
  stats: "SELECT state, COUNT(*) AS count FROM posts WHERE state IN ('pending', 'in_flight', 'dead') GROUP BY state",
  deadLetters: `SELECT id, provider, event, body, attempts, created_at, last_error, http_status, updated_at
       FROM posts WHERE state = 'dead' ORDER BY updated_at DESC, id DESC LIMIT ?`,
  deadAfterId: "SELECT after_id FROM posts WHERE id = ? AND state = 'dead'",
  replay: `UPDATE posts SET state = 'pending', attempts = 0, due_at = @now, first_error_at = NULL, last_error = NULL, http_status = NULL,
         updated_at = @now
       WHERE id = @id AND state = 'dead'`,
  replayAll: `UPDATE posts SET state = 'pending', attempts = 0, due_at = @now, first_error_at = NULL, last_error = NULL, http_status = NULL,
         updated_at = @now
       WHERE state = 'dead'`,
  pruneDelivered: "DELETE FROM posts WHERE state = 'delivered' AND updated_at < ?",
  pruneDeliveries: 'DELETE FROM deliveries WHERE received_at < ?',
  pruneLanes: 'DELETE FROM lanes WHERE served_at < ? AND paused_until < ?',
  // The process that left these in flight is gone (the writer lock says so): their leases end now.
  recover: "UPDATE posts SET is_head = 1, due_at = ? WHERE state = 'in_flight'",
  probe: "INSERT INTO meta (key, value) VALUES ('probe', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
} as const
