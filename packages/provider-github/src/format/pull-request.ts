import { bold, code, link, rich, skip, type PayloadReader, type ProcessOutput, type RichText } from '@missive-integrations/core'
import { SKIP_RULES } from '../events.js'
import { itemSentence } from './issues.js'
import { actor, body, COLORS, headed, issueThread, itemLink, readRepo, sameRepoBranch, sentence, words, type Delivery } from './shared.js'

/** Every pull_request post also rewrites the conversation subject, as the hosted integration did: titles change, and so does draft state. */
const UPDATE_SUBJECT = { update_existing_conversation_subject: true } as const

/**
 * A new pull request: who opened it, its title and description.
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request
 */
export function pullRequestOpened({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const pull = p.object('pull_request')
  const kind = pull.optionalBoolean('draft') ? 'draft pull request' : 'pull request'
  const pretext = rich`${actor(p)} opened ${itemLink(kind, pull)}`
  return headed(
    issueThread(repo, pull),
    pretext,
    { title: pull.string('title'), title_link: pull.string('html_url'), markdown: body(pull.optionalString('body')), color: COLORS.pr },
    UPDATE_SUBJECT,
  )
}

/**
 * New commits on a pull request. From a branch of the same repository, the push event has
 * already posted them into the same conversation; from a fork, this is the only news of them.
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request
 */
export function pullRequestSynchronize({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const pull = p.object('pull_request')
  if (sameRepoBranch(repo, pull) !== undefined) return skip(SKIP_RULES.sameRepoSynchronize)
  const before = p.optionalString('before')
  const after = p.optionalString('after')
  const commits = before && after ? link(`${repo.url}/compare/${before}...${after}`, 'new commits') : rich`new commits`
  const text = rich`${actor(p)} pushed ${commits} to ${itemLink('pull request', pull)}`
  return sentence(issueThread(repo, pull), text, COLORS.pr, UPDATE_SUBJECT)
}

/**
 * Any other change to a pull request as one sentence: closed, merged, reopened, assigned,
 * review requested, ready for review, converted to draft, labeled, auto-merge…
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request
 */
export function pullRequestChanged({ p, action = 'updated' }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const pull = p.object('pull_request')
  const merged = action === 'closed' && pull.optionalBoolean('merged') === true
  const text = merged ? rich`${actor(p)} merged ${itemLink('pull request', pull)}` : pullRequestSentence(p, action, pull)
  // As in the hosted integration: closed without merging is left uncolored.
  const color = action === 'closed' && !merged ? undefined : COLORS.pr
  return sentence(issueThread(repo, pull), text, color, UPDATE_SUBJECT)
}

function pullRequestSentence(p: PayloadReader, action: string, pull: PayloadReader): RichText {
  const who = actor(p)
  const subject = itemLink('pull request', pull)
  switch (action) {
    case 'review_requested':
      return rich`${who} requested a review from ${reviewer(p)} on ${subject}`
    case 'review_request_removed':
      return rich`${who} removed the review request for ${reviewer(p)} on ${subject}`
    case 'ready_for_review':
      return rich`${who} marked ${subject} as ready for review`
    case 'converted_to_draft':
      return rich`${who} converted ${subject} to a draft`
    case 'auto_merge_enabled': {
      const method = pull.optionalString('auto_merge.merge_method')
      return method ? rich`${who} enabled auto-merge (${method}) on ${subject}` : rich`${who} enabled auto-merge on ${subject}`
    }
    case 'auto_merge_disabled':
      return rich`${who} disabled auto-merge on ${subject}`
    case 'enqueued':
      return rich`${who} added ${subject} to the merge queue`
    case 'dequeued':
      return rich`${subject} was removed from the merge queue`
    default:
      return itemSentence(p, action, subject, pull)
  }
}

/** The requested reviewer: a user, or a team. */
function reviewer(p: PayloadReader): RichText {
  const user = p.optionalString('requested_reviewer.login')
  return bold(user ?? p.string('requested_team.name'))
}

/**
 * A submitted review: approved, changes requested, or a comment with a summary.
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request_review
 */
export function reviewSubmitted({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const pull = p.object('pull_request')
  const review = p.object('review')
  const url = review.string('html_url')
  const state = review.string('state').toLowerCase()
  const markdown = body(review.optionalString('body'))
  let pretext: RichText
  let color: string = COLORS.prComment
  if (state === 'approved') {
    pretext = rich`${actor(p)} ${link(url, 'approved')} ${itemLink('pull request', pull)}`
    color = COLORS.pr
  } else if (state === 'changes_requested') {
    pretext = rich`${actor(p)} ${link(url, 'requested changes')} on ${itemLink('pull request', pull)}`
    color = COLORS.rejected
  } else {
    if (markdown === undefined) return skip(SKIP_RULES.reviewWithoutBody)
    pretext = rich`${actor(p)} ${link(url, 'reviewed')} ${itemLink('pull request', pull)}`
  }
  return headed(issueThread(repo, pull), pretext, { markdown, color })
}

/** A dismissed review: whose, and on which pull request. */
export function reviewDismissed({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const pull = p.object('pull_request')
  const review = p.object('review')
  const text = rich`${actor(p)} dismissed ${bold(review.string('user.login'))}’s ${link(review.string('html_url'), 'review')} on ${itemLink('pull request', pull)}`
  return sentence(issueThread(repo, pull), text)
}

/**
 * A comment on a line of a pull request's diff.
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request_review_comment
 */
export function reviewCommentCreated({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const pull = p.object('pull_request')
  const comment = p.object('comment')
  const path = comment.optionalString('path')
  const where = path ? rich` on ${code(path)} in ` : rich` on `
  const pretext = rich`${actor(p)} ${link(comment.string('html_url'), 'commented')}${where}${itemLink('pull request', pull)}`
  return headed(issueThread(repo, pull), pretext, { markdown: body(comment.optionalString('body')), color: COLORS.prComment })
}

/** A deleted line comment. */
export function reviewCommentDeleted({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const pull = p.object('pull_request')
  return sentence(issueThread(repo, pull), rich`${actor(p)} deleted a review comment on ${itemLink('pull request', pull)}`)
}

/**
 * A review thread marked resolved or unresolved.
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request_review_thread
 */
export function reviewThread({ p, action = 'updated' }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const pull = p.object('pull_request')
  const first = p.object('thread').objects('comments')[0]
  const thread = link(first?.optionalString('html_url'), 'a review thread')
  const path = first?.optionalString('path')
  const where = path ? rich` on ${code(path)}` : rich``
  return sentence(issueThread(repo, pull), rich`${actor(p)} ${words(action)} ${thread}${where} in ${itemLink('pull request', pull)}`)
}
