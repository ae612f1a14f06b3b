/**
 * Issues and other work items (tasks, incidents, epics, OKRs…), in their conversation
 * (`PROJECT_ID/#IID`; a group's epic, which has no project, in `group/PATH/&IID`).
 *
 * Confidential issues are seen in GitLab only by project members who may read them, while a
 * Missive conversation is seen by whoever shares its team inbox. So unless the endpoint sets
 * the `confidential` option, their posts say what happened and link to GitLab, without the title
 * or the text: the subject is `#IID (confidential) [project]`.
 * @see https://docs.gitlab.com/user/project/integrations/webhook_events/#work-item-events
 */
import { link, lines, rich, skip, type PayloadReader, type ProcessOutput, type RichText } from '@missive-integrations/core'
import { SKIP_RULES } from '../events.js'
import { changeSentences } from './changes.js'
import { actor, COLORS, markdownBody, names, post, readProject, userNames, words, type Delivery, type Thread } from './shared.js'

/** `issue`, `task`, `incident`, `key result`, `epic`…: the work item's type in words. */
export function itemKind(item: PayloadReader): string {
  return words(item.optionalString('type') ?? 'Issue')
}

/** Whether a delivery is about a confidential issue: GitLab's event name says so, or the issue does. */
export function isConfidential(event: string, item: PayloadReader | undefined): boolean {
  return event.startsWith('confidential_') || item?.optionalBoolean('confidential') === true
}

/** An issue's conversation: `PROJECT_ID/#IID` (a group's work item: `group/PATH/&IID` or `#IID`), subject without the title when it is hidden. */
export function issueThread(p: PayloadReader, item: PayloadReader, hideTitle: boolean): Thread {
  const iid = item.id('iid')
  const epic = item.optionalString('type') === 'Epic'
  const sign = epic ? '&' : '#'
  const name = hideTitle ? `${sign}${iid} (confidential)` : `${sign}${iid} ${item.optionalString('title') ?? ''}`.trimEnd()
  if (p.optionalObject('project') === undefined) {
    const group = /\/groups\/(.+?)\/-\//.exec(item.optionalString('url') ?? '')?.[1] ?? 'unknown'
    return { references: [`group/${group}/${sign}${iid}`], subject: `${name} [${group}]` }
  }
  const project = readProject(p)
  return { references: [`${project.id}/#${iid}`], subject: `${name} [${project.slug}]` }
}

/** `issue #12` (or `confidential issue #12`, `task #3`, `epic &4`), linking to it. */
export function issueLink(item: PayloadReader, confidential: boolean): RichText {
  const epic = item.optionalString('type') === 'Epic'
  return link(item.optionalString('url'), `${confidential ? 'confidential ' : ''}${itemKind(item)} ${epic ? '&' : '#'}${item.id('iid')}`)
}

/** A new issue: who opened it, whom it is assigned to, its title and description. */
export function issueOpened({ p, event, options }: Delivery): ProcessOutput {
  const item = p.object('object_attributes')
  const confidential = isConfidential(event, item)
  const hide = confidential && options.confidential !== true
  const assignees = userNames(p.objects('assignees'))
  const assigned = assignees.length > 0 && !hide ? rich`, assigned to ${names(assignees)}` : rich``
  const sentence = rich`${actor(p)} opened ${issueLink(item, confidential)}${assigned}`
  const thread = issueThread(p, item, hide)
  if (hide) return post(thread, sentence, { color: COLORS.issue })
  return post(thread, sentence, {
    title: item.optionalString('title'),
    link: item.optionalString('url'),
    body: markdownBody(item.optionalString('description')),
    color: COLORS.issue,
  })
}

/** What an update changed (title, assignees, labels, due date, confidentiality, description); a confidential issue's update is one sentence. */
export function issueUpdated({ p, event, options }: Delivery): ProcessOutput {
  const item = p.object('object_attributes')
  const confidential = isConfidential(event, item)
  const hide = confidential && options.confidential !== true
  const subject = issueLink(item, confidential)
  const who = actor(p)
  // Before GitLab 9, an update carried no `changes`: all that is known is that something changed.
  if (!p.has('changes')) return post(issueThread(p, item, hide), rich`${who} updated ${subject}`, { color: COLORS.issue })
  const { sentences, renamed } = changeSentences(p, who, subject)
  if (sentences.length === 0) return skip(SKIP_RULES.noNews)
  const text = hide ? rich`${who} updated ${subject}` : lines(...sentences)
  return post(issueThread(p, item, hide), text, { color: COLORS.issue, updateSubject: renamed && !hide })
}

/** Closed, reopened, or any other action in words. */
export function issueChanged({ p, event, action = 'update', options }: Delivery): ProcessOutput {
  const item = p.object('object_attributes')
  const confidential = isConfidential(event, item)
  const subject = issueLink(item, confidential)
  const verb = action === 'close' ? 'closed' : action === 'reopen' ? 'reopened' : words(action)
  // As on GitHub: closing leaves the post uncolored.
  return post(issueThread(p, item, confidential && options.confidential !== true), rich`${actor(p)} ${verb} ${subject}`, {
    color: action === 'close' ? undefined : COLORS.issue,
  })
}
