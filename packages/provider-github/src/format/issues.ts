import { bold, link, rich, type PayloadReader, type ProcessOutput, type RichText } from '@missive-integrations/core'
import { actor, body, COLORS, headed, issueThread, itemLink, labelName, readRepo, sentence, words, type Delivery } from './shared.js'

/**
 * A new issue: who opened it, its title and body, in the issue's conversation (`REPO_ID/NUMBER`).
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#issues
 */
export function issueOpened({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const issue = p.object('issue')
  const pretext = rich`${actor(p)} opened ${itemLink('issue', issue)}`
  return headed(issueThread(repo, issue), pretext, {
    title: issue.string('title'),
    title_link: issue.string('html_url'),
    markdown: body(issue.optionalString('body')),
    color: COLORS.issue,
  })
}

/**
 * Any other change to an issue, as one sentence: closed, reopened, labeled, assigned,
 * milestoned, transferred, edited, locked, pinned, deleted…
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#issues
 */
export function issueChanged({ p, action }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const issue = p.object('issue')
  const subject = itemLink('issue', issue)
  const text = itemSentence(p, action ?? 'updated', subject, issue)
  const renamed = action === 'edited' && p.has('changes.title')
  // The hosted integration left closed issues uncolored and colored every other change.
  const color = action === 'closed' || action === 'deleted' ? undefined : COLORS.issue
  return sentence(issueThread(repo, issue), text, color, renamed ? { update_existing_conversation_subject: true } : {})
}

/**
 * The sentence for an action on an issue, pull request or discussion (`subject` is its link).
 * Shared so that "labeled" reads the same wherever it happens.
 */
export function itemSentence(p: PayloadReader, action: string, subject: RichText, item: PayloadReader): RichText {
  const who = actor(p)
  switch (action) {
    case 'closed': {
      const reason = item.optionalString('state_reason') === 'not_planned' ? ' as not planned' : ''
      return rich`${who} closed ${subject}${reason}`
    }
    case 'labeled':
      return rich`${who} added label ${labelName(p)} to ${subject}`
    case 'unlabeled':
      return rich`${who} removed label ${labelName(p)} from ${subject}`
    case 'assigned':
      return rich`${who} assigned ${bold(p.string('assignee.login'))} to ${subject}`
    case 'unassigned':
      return rich`${who} unassigned ${bold(p.string('assignee.login'))} from ${subject}`
    case 'milestoned':
      return rich`${who} added ${subject} to milestone ${milestoneLink(p)}`
    case 'demilestoned':
      return rich`${who} removed ${subject} from milestone ${milestoneLink(p)}`
    case 'transferred': {
      const target = p.object('changes.new_repository')
      return rich`${who} transferred ${subject} to ${link(p.optionalString('changes.new_issue.html_url') ?? target.optionalString('html_url'), target.string('full_name'))}`
    }
    case 'edited': {
      const from = p.optionalString('changes.title.from')
      return from === undefined ? rich`${who} edited ${subject}` : rich`${who} renamed ${subject} from “${from}”`
    }
    case 'locked': {
      const reason = item.optionalString('active_lock_reason')
      return reason ? rich`${who} locked ${subject} as ${words(reason)}` : rich`${who} locked ${subject}`
    }
    case 'category_changed':
      return rich`${who} moved ${subject} to category ${bold(item.string('category.name'))}`
    case 'deleted':
      return rich`${who} deleted ${subject}: ${item.string('title')}`
    default:
      return rich`${who} ${words(action)} ${subject}`
  }
}

function milestoneLink(p: PayloadReader): RichText {
  const milestone = p.object('milestone')
  return link(milestone.optionalString('html_url'), milestone.string('title'))
}

/**
 * A comment on an issue or a pull request (GitHub sends both as issue_comment).
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#issue_comment
 */
export function issueCommentCreated({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const issue = p.object('issue')
  const comment = p.object('comment')
  const pull = isPullRequest(issue)
  const pretext = rich`${actor(p)} ${link(comment.string('html_url'), 'commented')} on ${itemLink(pull ? 'pull request' : 'issue', issue)}`
  return headed(issueThread(repo, issue), pretext, {
    markdown: body(comment.optionalString('body')),
    color: pull ? COLORS.prComment : COLORS.issueComment,
  })
}

/** A deleted comment, so the conversation does not keep showing it as current. */
export function issueCommentDeleted({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const issue = p.object('issue')
  const text = rich`${actor(p)} deleted a comment on ${itemLink(isPullRequest(issue) ? 'pull request' : 'issue', issue)}`
  return sentence(issueThread(repo, issue), text)
}

/** An issue_comment's issue is a pull request when it carries `pull_request` (or a /pull/ URL). */
function isPullRequest(issue: PayloadReader): boolean {
  return issue.has('pull_request') || /\/pull\/\d+$/.test(issue.string('html_url'))
}
