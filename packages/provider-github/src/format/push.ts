import {
  bold,
  code,
  codeLink,
  firstLine,
  join,
  lines,
  link,
  pluralize,
  rich,
  skip,
  type IntegrationResult,
  type PayloadReader,
  type ProcessOutput,
  type RichText,
} from '@missive-integrations/core'
import { SKIP_RULES } from '../events.js'
import { actor, actorName, branchLink, branchThread, COLORS, commitLink, readRepo, shortSha, type Delivery, type Repo } from './shared.js'

/** A push lists at most this many commits, then "and N more". */
export const MAX_COMMITS = 20

/**
 * A push posts at most this many "referenced this conversation" follow-ups; the rest are counted
 * on the push's own post. One commit message can hold thousands of links, and each follow-up
 * takes a slot of the endpoint's Missive rate limit (900 per 15 minutes).
 */
export const MAX_FOLLOW_UPS = 20

/**
 * A Missive conversation link in a commit message, web or desktop app:
 * `https://mail.missiveapp.com/#inbox/conversations/<uuid>`, `missive://mail.missiveapp.com/#…`.
 */
// The path before /conversations/ is bounded: unbounded, a long run of link starts without one
// would be rescanned from each start (quadratic in the message).
const CONVERSATION_LINK =
  /(?:https|missive):\/\/mail\.missiveapp\.com\/#[^/\s]{1,100}[^\s]{0,200}?\/conversations\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gi

const MISSIVE_HOST = /mail\.missiveapp\.com/i

/**
 * A push to a branch: who pushed what, in the branch's conversation (`REPO_ID/BRANCH`), then a
 * "referenced this conversation" post into each Missive conversation a new commit links to.
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#push
 */
export function push({ p }: Delivery): ProcessOutput {
  const ref = p.string('ref')
  if (ref.startsWith('refs/tags/')) return skip(SKIP_RULES.tagPush)
  if (!ref.startsWith('refs/heads/')) return skip(SKIP_RULES.otherRef)
  const branch = ref.slice('refs/heads/'.length)
  if (branch.startsWith('gh-readonly-queue/')) return skip(SKIP_RULES.mergeQueue)

  const repo = readRepo(p)
  const pusher = actorName(p)
  const commits = p.objects('commits')
  const count = commits.length
  const commitsLink = link(p.optionalString('compare'), pluralize(count, 'commit'))

  let pretext: RichText
  let listed = false
  let color: string | undefined = COLORS.commit
  if (p.optionalBoolean('deleted')) {
    pretext = rich`${actor(p)} deleted branch ${code(branch)}`
    color = undefined
  } else if (p.optionalBoolean('created')) {
    listed = count > 0
    pretext = listed
      ? rich`${actor(p)} created branch ${branchLink(repo, branch)} and pushed ${commitsLink}`
      : rich`${actor(p)} created branch ${branchLink(repo, branch)}`
  } else if (p.optionalBoolean('forced')) {
    const after = p.string('after')
    pretext = rich`${actor(p)} force-pushed ${branchLink(repo, branch)} to ${commitLink(repo, after, p.optionalString('head_commit.url'))}`
  } else if (count === 0) {
    pretext = rich`${actor(p)} pushed to ${branchLink(repo, branch)}`
  } else {
    listed = true
    pretext = rich`${actor(p)} pushed ${commitsLink} to ${branchLink(repo, branch)}`
  }

  const thread = branchThread(repo, branch)
  const { followUps, unposted } = conversationReferences(repo, commits)
  const footer = unposted > 0 ? { footer: `${pluralize(unposted, 'more linked Missive conversation')} not notified (at most ${MAX_FOLLOW_UPS} per push)` } : {}
  const main: IntegrationResult = listed
    ? {
        ...thread,
        notification: pretext.plain,
        attachment: { pretext: pretext.text, text: commitList(repo, commits, pusher, p.optionalString('compare')).text, color: COLORS.commit, ...footer },
      }
    : { ...thread, notification: pretext.plain, attachment: { text: pretext.text, ...(color ? { color } : {}), ...footer } }
  return [main, ...followUps]
}

/** One line per commit: short sha link, summary, and the author when not the pusher. */
function commitList(repo: Repo, commits: PayloadReader[], pusher: string, compare: string | undefined): RichText {
  const shown = commits.slice(0, MAX_COMMITS).map((commit) => {
    const sha = commit.string('id')
    const author = commitAuthor(commit)
    const summary = firstLine(commit.string('message'))
    const by = author && author.toLowerCase() !== pusher.toLowerCase() ? rich` - ${author}` : undefined
    return join([commitLink(repo, sha, commit.optionalString('url')), rich` ${summary}`, by])
  })
  const hidden = commits.length - shown.length
  const more = hidden > 0 ? rich`and ${link(compare, `${hidden} more`)}` : undefined
  return lines(...shown, more)
}

/** The author's GitHub login, else the name in the commit. */
function commitAuthor(commit: PayloadReader): string | undefined {
  return commit.optionalString('author.username') ?? commit.optionalString('author.name')
}

/**
 * "referenced this conversation" posts for Missive conversation links in new commits, posted
 * by conversation id (after the push's own post), at most MAX_FOLLOW_UPS of them; `unposted`
 * counts the other distinct links. Only `distinct` commits count: a commit already pushed to
 * another branch has announced itself there.
 */
function conversationReferences(repo: Repo, commits: PayloadReader[]): { followUps: IntegrationResult[]; unposted: number } {
  const results: IntegrationResult[] = []
  const seen = new Set<string>()
  for (const commit of commits) {
    if (commit.optionalBoolean('distinct') !== true) continue
    const sha = commit.string('id')
    const message = commit.string('message')
    // Nearly no commit links a conversation: skip the scan unless the host is there.
    if (!MISSIVE_HOST.test(message)) continue
    for (const match of message.matchAll(CONVERSATION_LINK)) {
      const conversation = match[1]!.toLowerCase()
      if (seen.has(`${conversation}@${sha}`)) continue
      seen.add(`${conversation}@${sha}`)
      if (results.length === MAX_FOLLOW_UPS) continue
      const text = rich`${bold(commitAuthor(commit) ?? 'Someone')} referenced this conversation in ${codeLink(`${commit.optionalString('url') ?? `${repo.url}/commit/${sha}`}?w=1`, `${repo.fullName}@${shortSha(sha)}`)}`
      results.push({ conversation, notification: text.plain, attachment: { text: text.text, color: COLORS.commit } })
    }
  }
  return { followUps: results, unposted: seen.size - results.length }
}
