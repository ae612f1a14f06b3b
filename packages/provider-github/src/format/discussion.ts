import { bold, link, rich, type ProcessOutput } from '@missive-integrations/core'
import { itemSentence } from './issues.js'
import { actor, body, COLORS, headed, issueThread, itemLink, readRepo, sentence, type Delivery } from './shared.js'

// Discussions share the numbering of issues and pull requests, so `REPO_ID/NUMBER` is theirs alone.

/**
 * A new discussion: who started it, in which category, its title and body.
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#discussion
 */
export function discussionCreated({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const discussion = p.object('discussion')
  const pretext = rich`${actor(p)} started ${itemLink('discussion', discussion)} in ${bold(discussion.string('category.name'))}`
  return headed(issueThread(repo, discussion), pretext, {
    title: discussion.string('title'),
    title_link: discussion.string('html_url'),
    markdown: body(discussion.optionalString('body')),
    color: COLORS.issue,
  })
}

/** An answer chosen: the answer's text, linked. */
export function discussionAnswered({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const discussion = p.object('discussion')
  const answer = p.object('answer')
  const pretext = rich`${actor(p)} marked ${link(answer.string('html_url'), 'an answer')} by ${bold(answer.string('user.login'))} on ${itemLink('discussion', discussion)}`
  return headed(issueThread(repo, discussion), pretext, { markdown: body(answer.optionalString('body')), color: COLORS.pr })
}

/** Any other change to a discussion, as one sentence (labeled, locked, pinned, category changed…). */
export function discussionChanged({ p, action = 'updated' }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const discussion = p.object('discussion')
  const text = itemSentence(p, action, itemLink('discussion', discussion), discussion)
  const renamed = action === 'edited' && p.has('changes.title')
  return sentence(issueThread(repo, discussion), text, undefined, renamed ? { update_existing_conversation_subject: true } : {})
}

/**
 * A comment on a discussion.
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#discussion_comment
 */
export function discussionCommentCreated({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const discussion = p.object('discussion')
  const comment = p.object('comment')
  const pretext = rich`${actor(p)} ${link(comment.string('html_url'), 'commented')} on ${itemLink('discussion', discussion)}`
  return headed(issueThread(repo, discussion), pretext, { markdown: body(comment.optionalString('body')), color: COLORS.issueComment })
}

/** A deleted discussion comment. */
export function discussionCommentDeleted({ p }: Delivery): ProcessOutput {
  const repo = readRepo(p)
  const discussion = p.object('discussion')
  return sentence(issueThread(repo, discussion), rich`${actor(p)} deleted a comment on ${itemLink('discussion', discussion)}`)
}
