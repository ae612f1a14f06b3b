import { join } from 'node:path'
import { IntegrationError } from '@missive-integrations/core'

/**
 * The most posts one webhook may queue. A push with its follow-ups takes a few (the GitHub
 * provider caps follow-ups at 20); a webhook past this limit is a provider bug or an event that
 * should be folded, and would spend a token's Missive budget (900 posts per 15 minutes) alone.
 */
export const MAX_POSTS_PER_WEBHOOK = 50

/** A webhook produced more posts than the queue takes from one delivery: answered 422, nothing queued. */
export class TooManyPostsError extends IntegrationError {
  readonly status = 422
  readonly code = 'too_many_posts'

  constructor(
    readonly provider: string,
    readonly event: string | undefined,
    readonly posts: number,
  ) {
    super(
      `this ${provider} webhook${event ? ` (event "${event}")` : ''} produced ${posts} posts; the queue takes at most ${MAX_POSTS_PER_WEBHOOK} from one webhook, so that one event cannot spend a Missive token's budget (900 posts per 15 minutes) alone. Nothing was queued: narrow the endpoint's filters, or make the provider fold these events into fewer posts`,
    )
  }
}

/** Another server holds DATA_DIR: starting a second one would post every webhook twice. */
export class QueueLockedError extends Error {
  /** A configuration problem, for the CLI's exit code. */
  readonly exitCode = 2

  constructor(readonly dataDir: string) {
    super(
      `another missive-integrations server is already running on DATA_DIR ${dataDir} (it holds ${join(dataDir, 'queue.lock')}): two servers on one queue file would post every webhook twice. Stop the other server, give this one its own DATA_DIR, or run several instances on one PostgreSQL database (DATABASE_URL; see "Running several instances" in the server README)`,
    )
    this.name = 'QueueLockedError'
  }
}
