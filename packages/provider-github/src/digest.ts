import { countList, eventsDigest, formatCount, readPayload, rich, tally, type Digest, type RichText } from '@missive-integrations/core'

/** What a burst digest of one GitHub conversation keeps: counts and the latest lines, not the events. */
export interface GitHubDigest {
  pushes: number
  commits: number
  /** Failed CI runs by workflow, check or status context. */
  failures: Record<string, number>
  /** Who sent the folded events (a bot's pushes, a busy reviewer). */
  actors: Record<string, number>
  /** The latest folded posts' one-line summaries. */
  latest: string[]
}

/** Latest lines a digest lists. */
const LATEST = 5
const CI_EVENTS: Readonly<Record<string, readonly string[]>> = {
  workflow_run: ['workflow_run.name', 'workflow.name'],
  check_run: ['check_run.name'],
  check_suite: ['check_suite.app.name'],
  status: ['context'],
}

/**
 * A busy branch or pull request as one post: "14 more events … — 9 pushes (23 commits), failed
 * runs: CI 2, Lint 1, by dependabot[bot] 7, renovate[bot] 2", then the latest five one-liners.
 * Bot pushes and repeated workflow failures are what usually bursts.
 */
export const GITHUB_DIGEST: Digest<GitHubDigest> = {
  fold(summary, { event, payload, post }) {
    const next: GitHubDigest = summary ?? { pushes: 0, commits: 0, failures: {}, actors: {}, latest: [] }
    const p = readPayload(payload, 'github', event)
    if (event === 'push') {
      next.pushes++
      next.commits += p.optionalArray('commits').length
    }
    const names = event === undefined ? undefined : CI_EVENTS[event]
    if (names) {
      const name = names.map((path) => p.optionalString(path)).find(Boolean) ?? event!
      tally(next.failures, name)
    }
    const actor = p.optionalString('sender.login') ?? p.optionalString('pusher.name')
    if (actor) tally(next.actors, actor)
    next.latest = [...next.latest, post.notification.body].slice(-LATEST)
    return next
  },
  render(summary, burst) {
    const parts: RichText[] = []
    if (summary.pushes > 0) {
      parts.push(
        rich`${formatCount(summary.pushes)} ${summary.pushes === 1 ? 'push' : 'pushes'} (${formatCount(summary.commits)} ${summary.commits === 1 ? 'commit' : 'commits'})`,
      )
    }
    if (Object.keys(summary.failures).length > 0) parts.push(rich`failed runs: ${countList(summary.failures)}`)
    if (Object.keys(summary.actors).length > 0) parts.push(rich`by ${countList(summary.actors)}`)
    return eventsDigest(burst, parts, summary.latest)
  },
}
