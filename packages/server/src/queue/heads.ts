/**
 * Per order key, at most one post is the *head*: the one that may go out next, or is out now.
 * Claims read heads only (a long backlog behind one conversation costs nothing), and a head stays
 * the head while it is in flight (its lease in `due_at`), so that a post whose process died is
 * claimed again in its place. Wherever a key's first post may change (a post delivered, dead,
 * replayed), the backend reads the key's first active post and its in-flight head, and moves the
 * head to what this function says.
 */
export interface KeyFirst {
  id: number
  state: string
  after_id: number | null
  /** The state of the delivery's first post, for a follow-up; null once pruned (delivered 24 h ago). */
  parent_state: string | null
}

/** The post that should be the head of its key: undefined when none may go out yet. */
export function chooseHead(first: KeyFirst | undefined, inFlight: number | undefined): number | undefined {
  // A post in flight keeps its head until its outcome is recorded: nothing overtakes it.
  if (inFlight !== undefined) return inFlight
  if (!first) return undefined
  if (first.state === 'in_flight') return first.id
  // A follow-up waits for its delivery's first post.
  if (first.after_id !== null && first.parent_state !== null && first.parent_state !== 'delivered') return undefined
  return first.id
}
