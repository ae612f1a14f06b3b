import type { BurstPlan, DigestState } from '@missive-integrations/core'

/**
 * Burst digests, as both backends keep them: one row per (token lane, order key) holding the
 * current window — when it started and ends, how many posts went out as they are, and the digest
 * post that folds the rest, with its running summary. A backend reads the row in the transaction
 * that commits a webhook (its order key locked), asks {@link burstStep} what to do, writes what it
 * says, and only then answers 202: a folded webhook is as durable as a post.
 *
 * Windows are fixed, from a conversation's first post: the first `limit` posts go out as they
 * are, the rest fold into one digest post due when the window ends. Ordered behind the window's
 * posts in its conversation, the digest goes before anything of the next window.
 */
export interface BurstRow {
  windowStart: number
  windowEnd: number
  /** Posts that went out as they are in this window. */
  sent: number
  /** The window's digest post, while it is one. */
  digestId: number | null
  /** Its summary (JSON of a {@link DigestState}). */
  state: string | null
}

/** What a webhook's post becomes. */
export type BurstStep =
  /** A post of its own (the window's count is under the limit). */
  | { kind: 'post' }
  /** Folded into the window's digest post, still pending: its body is rewritten. */
  | { kind: 'fold'; digestId: number; body: string }
  /** Folded into a new digest post, due when the window ends. */
  | { kind: 'digest'; body: string; dueAt: number }

/**
 * What to do with a webhook's post at `now`, given its key's burst row (undefined: none yet) and
 * whether the window's digest post is still pending (a digest already claimed or sent takes no
 * more: a new one starts). Returns the row to store.
 */
export function burstStep(row: BurstRow | undefined, plan: BurstPlan, now: number, digestPending: boolean): { step: BurstStep; row: BurstRow } {
  const current: BurstRow =
    row !== undefined && now < row.windowEnd ? { ...row } : { windowStart: now, windowEnd: now + plan.windowMs, sent: 0, digestId: null, state: null }
  if (current.sent < plan.limit) {
    current.sent++
    return { step: { kind: 'post' }, row: current }
  }
  const open = current.digestId !== null && digestPending && current.state !== null
  const previous = open ? (JSON.parse(current.state!) as DigestState) : undefined
  const { state, post } = plan.fold(previous, now)
  current.state = JSON.stringify(state)
  const body = JSON.stringify(post)
  if (open) return { step: { kind: 'fold', digestId: current.digestId!, body }, row: current }
  // The backend sets digestId once the new digest post has its id.
  current.digestId = null
  return { step: { kind: 'digest', body, dueAt: current.windowEnd }, row: current }
}
