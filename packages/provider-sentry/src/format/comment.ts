/**
 * Comments on an issue (`Sentry-Hook-Resource: comment`), posted into the issue's conversation.
 * A comment webhook carries the issue id and the project slug only: no title, no link.
 * @see https://docs.sentry.io/organization/integrations/integration-platform/webhooks/comments/
 */
import { bold, firstLine, rich, stripHtmlComments, truncate, type IntegrationResult, type RichText } from '@missive-integrations/core'
import { actorName, issueThread, textAt, type Delivery } from './shared.js'

/** The longest comment posted; Sentry comments are Markdown and can be long. */
export const MAX_COMMENT = 4000
/** The longest comment excerpt in a notification. */
const MAX_EXCERPT = 200

function commentPost({ p, options }: Delivery, verb: string, withText: boolean): IntegrationResult {
  const issueId = p.id('data.issue_id')
  const project = textAt(p, 'data.project_slug')
  // Sentry comments are Markdown: like GitHub and GitLab bodies, they are shown without HTML comments.
  const written = withText ? textAt(p, 'data.comment') : undefined
  const stripped = written === undefined ? undefined : stripHtmlComments(written)
  const comment = stripped === written ? written : stripped?.trim() || undefined
  const pretext: RichText = rich`${bold(actorName(p))} ${verb}`
  // Only seen when the comment opens the conversation: the title of an issue is not in the payload.
  const subject = project === undefined ? `Sentry issue ${issueId}` : `Sentry issue ${issueId} in ${project}`
  return {
    ...issueThread(options, issueId, subject),
    notification: comment === undefined ? pretext.plain : `${pretext.plain}: ${truncate(firstLine(comment), MAX_EXCERPT)}`,
    attachment: comment === undefined ? { text: pretext.text } : { pretext: pretext.text, markdown: truncate(comment, MAX_COMMENT) },
  }
}

export const commentCreated = (delivery: Delivery): IntegrationResult => commentPost(delivery, 'commented', true)

/** An edit shows the new text: the conversation holds the old one. */
export const commentUpdated = (delivery: Delivery): IntegrationResult => commentPost(delivery, 'edited a comment', true)

/** A deleted comment's text is not posted again: whoever deleted it wanted it gone. */
export const commentDeleted = (delivery: Delivery): IntegrationResult => commentPost(delivery, 'deleted a comment', false)
