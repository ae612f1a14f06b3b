/**
 * Comments ("notes") on commits, merge requests, issues and snippets, each in the conversation
 * of what it comments on. A commit's comments go to the commit's own conversation
 * (`PROJECT_ID/@SHA`): the payload does not say which branch the commit is on, and a discussion
 * about one commit stays together. A snippet's go to `PROJECT_ID/$ID`.
 *
 * Internal notes (GitLab's Confidential Note Hook) and notes on confidential issues are posted
 * without their text unless the endpoint sets the `confidential` option (see issue.ts).
 * @see https://docs.gitlab.com/user/project/integrations/webhook_events/#comment-events
 */
import { code, firstLine, link, rich, skip, type PayloadReader, type ProcessOutput, type RichText } from '@missive-integrations/core'
import { SKIP_RULES } from '../events.js'
import { issueLink, issueThread } from './issue.js'
import {
  actor,
  COLORS,
  markdownBody,
  mergeRequestLink,
  mergeRequestThread,
  post,
  projectThread,
  readProject,
  shortSha,
  words,
  type Delivery,
  type Thread,
} from './shared.js'

/** `` on `path/to/file.rb` ``, for a comment on a line of a diff. */
function onFile(note: PayloadReader): RichText {
  const path = note.optionalString('position.new_path') ?? note.optionalString('st_diff.new_path')
  return path ? rich` on ${code(path)} in` : rich` on`
}

/** What the note is on: its conversation, and how the sentence names it. */
function target(p: PayloadReader, note: PayloadReader, hideIssue: boolean, confidentialIssue: boolean): { thread: Thread; subject: RichText } {
  const project = readProject(p)
  const type = note.optionalString('noteable_type')
  if (type === 'MergeRequest') {
    const mr = p.object('merge_request')
    return { thread: mergeRequestThread(project, mr), subject: mergeRequestLink(mr) }
  }
  if (type === 'Issue') {
    const issue = p.object('issue')
    return { thread: issueThread(p, issue, hideIssue), subject: issueLink(issue, confidentialIssue) }
  }
  if (type === 'Snippet') {
    const snippet = p.object('snippet')
    const id = snippet.id('id')
    return {
      thread: { references: [`${project.id}/$${id}`], subject: `$${id} ${snippet.optionalString('title') ?? ''}`.trimEnd() + ` [${project.slug}]` },
      subject: link(snippet.optionalString('url'), `snippet $${id}`),
    }
  }
  if (type !== undefined && type !== 'Commit' && !p.has('commit')) {
    // Designs, alerts, vulnerabilities, wiki pages…: the project's conversation.
    return { thread: projectThread(project), subject: link(note.optionalString('url'), `a ${words(type.replace(/^.*::/, ''))}`) }
  }
  const sha = note.optionalString('commit_id') || p.string('commit.id')
  const title = p.optionalString('commit.title') ?? firstLine(p.optionalString('commit.message'))
  return {
    thread: { references: [`${project.id}/@${sha}`], subject: `${shortSha(sha)} ${title}`.trimEnd() + ` [${project.slug}]` },
    subject: link(p.optionalString('commit.url') ?? `${project.url}/-/commit/${sha}`, `commit ${shortSha(sha)}`),
  }
}

/** A new comment: who wrote it, on what, and its text. */
export function note({ p, event, options }: Delivery): ProcessOutput {
  const attributes = p.object('object_attributes')
  if (attributes.optionalBoolean('system') === true) return skip(SKIP_RULES.systemNote)
  const issue = p.optionalObject('issue')
  const confidentialIssue = issue?.optionalBoolean('confidential') === true
  // GitLab sends a Confidential Note Hook for internal notes and for every note on a confidential issue.
  const flagged = attributes.optionalBoolean('internal') === true || attributes.optionalBoolean('confidential') === true
  const internal = flagged || (event.startsWith('confidential_') && !confidentialIssue)
  const full = options.confidential === true
  const { thread, subject } = target(p, attributes, confidentialIssue && !full, confidentialIssue)
  const commented = link(attributes.optionalString('url'), internal ? 'added an internal note' : 'commented')
  const sentence = rich`${actor(p)} ${commented}${onFile(attributes)} ${subject}`
  if ((internal || confidentialIssue) && !full) return post(thread, sentence, { color: COLORS.comment })
  return post(thread, sentence, { body: markdownBody(attributes.optionalString('note')), color: COLORS.comment })
}
