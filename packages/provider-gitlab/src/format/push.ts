/**
 * Pushes and tag pushes. GitLab marks a created ref with an all-zero `before` and a deleted one
 * with an all-zero `after`, and lists at most 20 commits (the newest) with the real count in
 * `total_commits_count`.
 * @see https://docs.gitlab.com/user/project/integrations/webhook_events/#push-events
 */
import {
  bold,
  code,
  firstLine,
  join,
  lines,
  link,
  pluralize,
  rich,
  skip,
  type PayloadReader,
  type ProcessOutput,
  type RichText,
} from '@missive-integrations/core'
import { SKIP_RULES } from '../events.js'
import { branchThread, COLORS, commitLink, post, projectThread, readProject, refName, treeLink, type Delivery, type Project, type Thread } from './shared.js'

/** A push lists at most this many commits, then "and N more". */
export const MAX_COMMITS = 20

const BLANK = /^0+$/

/** The pusher: `user_name`, else `user_username`. */
function pusher(p: PayloadReader): string {
  return p.optionalString('user_name') || p.optionalString('user_username') || 'Someone'
}

/**
 * A push to a branch, in the branch's conversation (`PROJECT_ID/BRANCH`): a new branch, a
 * deleted one, a force-push, or the commits.
 *
 * GitLab's payload has no "forced" flag (a `forced: true`, where a sender adds one, is honoured).
 * A push that moves an existing branch without bringing a single new commit cannot be a
 * fast-forward, so it is posted as a force-push; a force-push that also brings new commits looks
 * like any other push and is posted as one.
 */
export function push({ p }: Delivery): ProcessOutput {
  const ref = p.string('ref')
  if (!ref.startsWith('refs/heads/')) return skip(SKIP_RULES.otherRef)
  const branch = refName(ref)
  const project = readProject(p)
  const who = bold(pusher(p))
  const before = p.optionalString('before') ?? ''
  const after = p.optionalString('after') ?? ''
  const commits = p.objects('commits')
  const count = p.optionalNumber('total_commits_count') ?? commits.length
  const compare = BLANK.test(before) || BLANK.test(after) || before === '' || after === '' ? undefined : `${project.url}/-/compare/${before}...${after}`
  const thread = branchThread(project, branch)
  const pushed = link(compare, pluralize(count, 'commit'))

  if (BLANK.test(after)) return post(thread, rich`${who} deleted branch ${code(branch)}`)
  if (BLANK.test(before)) {
    const created = rich`${who} created branch ${treeLink(project, branch)}`
    return count === 0
      ? post(thread, created, { color: COLORS.push })
      : withCommits(thread, rich`${created} and pushed ${pushed}`, { project, commits, count, compare, pusher: pusher(p) })
  }
  if (p.optionalBoolean('forced') === true || (count === 0 && after !== '' && before !== after)) {
    return post(thread, rich`${who} force-pushed ${treeLink(project, branch)} to ${commitLink(project, after)}`, { color: COLORS.push })
  }
  if (count === 0) return post(thread, rich`${who} pushed to ${treeLink(project, branch)}`, { color: COLORS.push })
  return withCommits(thread, rich`${who} pushed ${pushed} to ${treeLink(project, branch)}`, { project, commits, count, compare, pusher: pusher(p) })
}

/** The push's sentence over one line per commit: short sha link, summary, and the author when not the pusher. */
function withCommits(
  thread: Thread,
  sentence: RichText,
  push: { project: Project; commits: PayloadReader[]; count: number; compare: string | undefined; pusher: string },
): ProcessOutput {
  const { project, commits, count, compare } = push
  const by = push.pusher.toLowerCase()
  // GitLab sends the newest commits, oldest first.
  const shown = commits.slice(-MAX_COMMITS).map((commit) => {
    const sha = commit.string('id')
    const author = commit.optionalString('author.name')
    const summary = commit.optionalString('title') ?? firstLine(commit.string('message'))
    return join([
      commitLink(project, sha, commit.optionalString('url')),
      rich` ${summary}`,
      author && author.toLowerCase() !== by ? rich` - ${author}` : undefined,
    ])
  })
  const hidden = count - shown.length
  const list = lines(...shown, hidden > 0 ? rich`and ${link(compare, `${hidden} more`)}` : undefined)
  return { ...thread, notification: sentence.plain, attachment: { pretext: sentence.text, text: list.text, color: COLORS.push } }
}

/**
 * A tag created or deleted, in the project's conversation.
 * @see https://docs.gitlab.com/user/project/integrations/webhook_events/#tag-events
 */
export function tagPush({ p }: Delivery): ProcessOutput {
  const project = readProject(p)
  const tag = refName(p.string('ref'))
  const who = bold(pusher(p))
  if (BLANK.test(p.optionalString('after') ?? '')) return post(projectThread(project), rich`${who} deleted tag ${code(tag)}`)
  return post(projectThread(project), rich`${who} pushed tag ${treeLink(project, tag)}`, { color: COLORS.release })
}
