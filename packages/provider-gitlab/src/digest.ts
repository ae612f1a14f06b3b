import { countList, eventsDigest, formatCount, readPayload, rich, tally, type Digest, type PayloadReader, type RichText } from '@missive-integrations/core'
import { BOT } from './filters.js'
import type { GitLabOptions } from './format/shared.js'

/** What a burst digest of one GitLab conversation keeps: counts and the latest lines, not the events. */
export interface GitLabDigest {
  pushes: number
  commits: number
  /** Failed pipelines, and their failing jobs by name. */
  pipelines: number
  pipelineJobs: Record<string, number>
  /** Failed jobs (job hooks) by name. */
  jobs: Record<string, number>
  /** Who sent the folded events, by username (a bot's pushes, a busy reviewer). */
  actors: Record<string, number>
  /** The latest folded posts' one-line summaries. */
  latest: string[]
}

/** Latest lines a digest lists. */
const LATEST = 5

/** A field a digest can do without: its text, or undefined when absent, empty or of another type. */
function text(p: PayloadReader | undefined, path: string): string | undefined {
  const value = p?.get(path)
  return typeof value === 'string' && value.trim() !== '' ? value : undefined
}

/** The objects of an array field, skipping anything else. */
function objects(p: PayloadReader, path: string): PayloadReader[] {
  const value = p.get(path)
  if (!Array.isArray(value)) return []
  return value.flatMap((item, i) => (item !== null && typeof item === 'object' && !Array.isArray(item) ? [p.object(`${path}.${i}`)] : []))
}

/** What kind of event a system hook carries (`push`, `merge_request`, …); a project hook's own name otherwise. */
function kindOf(event: string | undefined, p: PayloadReader): string | undefined {
  return event === 'system_hook' ? (text(p, 'object_kind') ?? text(p, 'event_name')) : event
}

/**
 * A busy branch, merge request or issue as one post: "14 more events … (9 push_hook, 5
 * pipeline_hook): 9 pushes (23 commits); 3 failed pipelines (rspec 2, lint 1); by ada 2; bots:
 * renovate-bot 7", then the latest five one-liners. Bot pushes and repeated pipeline failures are
 * what usually bursts. Reads tolerantly: an odd field is left out, never a throw.
 */
export const GITLAB_DIGEST: Digest<GitLabDigest, GitLabOptions> = {
  fold(summary, { event, payload, post }) {
    const next: GitLabDigest = summary ?? { pushes: 0, commits: 0, pipelines: 0, pipelineJobs: {}, jobs: {}, actors: {}, latest: [] }
    const p = readPayload(payload, 'gitlab', event)
    const kind = kindOf(event, p)
    if (kind === 'push_hook' || kind === 'push') {
      next.pushes++
      // GitLab lists at most 20 commits; total_commits_count is the real count.
      const total = p.get('total_commits_count')
      next.commits += typeof total === 'number' && Number.isFinite(total) && total >= 0 ? total : objects(p, 'commits').length
    }
    if (kind === 'pipeline_hook' && text(p, 'object_attributes.status') === 'failed') {
      next.pipelines++
      for (const build of objects(p, 'builds')) {
        const name = text(build, 'name')
        if (name && text(build, 'status') === 'failed' && build.get('allow_failure') !== true) tally(next.pipelineJobs, name)
      }
    }
    if (kind === 'job_hook' && text(p, 'build_status') === 'failed') tally(next.jobs, text(p, 'build_name') ?? 'job')
    // Pushes name the pusher at the top level; every other event in `user`.
    const actor = text(p, 'user_username') ?? text(p, 'user.username') ?? text(p, 'user_name') ?? text(p, 'user.name')
    if (actor) tally(next.actors, actor)
    // A post that says two things (renamed and labelled) is one line here.
    next.latest = [...next.latest, post.notification.body.replace(/\s*\n+\s*/g, '; ')].slice(-LATEST)
    return next
  },
  render(summary, burst) {
    const parts: RichText[] = []
    if (summary.pushes > 0)
      parts.push(
        rich`${formatCount(summary.pushes)} ${summary.pushes === 1 ? 'push' : 'pushes'} (${formatCount(summary.commits)} ${summary.commits === 1 ? 'commit' : 'commits'})`,
      )
    if (summary.pipelines > 0) {
      const jobs = Object.keys(summary.pipelineJobs).length > 0 ? rich` (${countList(summary.pipelineJobs)})` : rich``
      parts.push(rich`${formatCount(summary.pipelines)} failed ${summary.pipelines === 1 ? 'pipeline' : 'pipelines'}${jobs}`)
    }
    if (Object.keys(summary.jobs).length > 0) parts.push(rich`failed jobs: ${countList(summary.jobs)}`)
    const people = Object.fromEntries(Object.entries(summary.actors).filter(([name]) => !BOT.test(name)))
    const bots = Object.fromEntries(Object.entries(summary.actors).filter(([name]) => BOT.test(name)))
    if (Object.keys(people).length > 0) parts.push(rich`by ${countList(people)}`)
    if (Object.keys(bots).length > 0) parts.push(rich`bots: ${countList(bots)}`)
    return eventsDigest(burst, parts, summary.latest)
  },
}
