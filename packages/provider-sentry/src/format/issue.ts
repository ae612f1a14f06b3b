/**
 * Issue webhooks (`Sentry-Hook-Resource: issue`): a new issue opens its conversation; resolving,
 * archiving, assigning and unresolving are posted into it.
 * @see https://docs.sentry.io/organization/integrations/integration-platform/webhooks/issues/
 */
import {
  bold,
  capitalize,
  code,
  lines,
  link,
  pluralize,
  rich,
  type Attachment,
  type IntegrationResult,
  type PayloadReader,
  type RichText,
} from '@missive-integrations/core'
import { COLORS, actorIsUser, actorName, fields, issueThread, levelColor, levelOf, objectAt, textAt, type Delivery, type Level } from './shared.js'

/** What the posts of an issue read from `data.issue`; only the id is essential. */
export interface IssueFacts {
  id: string
  title: string
  /** `FRONT-END-9`: how people name the issue. */
  shortId: string | undefined
  /** The issue's page in Sentry: `web_url` (sent with `created`), else `permalink`. */
  url: string | undefined
  level: Level | undefined
  /** `unresolved`, `resolved`, `ignored`. */
  status: string | undefined
  /** `new`, `ongoing`, `escalating`, `regressed`, `archived_until_escalating`, … */
  substatus: string | undefined
  /** The project's slug (else its name). */
  project: string | undefined
  culprit: string | undefined
  issue: PayloadReader
}

export function readIssue(p: PayloadReader): IssueFacts {
  const issue = p.object('data.issue')
  const id = issue.id('id')
  const project = objectAt(issue, 'project')
  return {
    id,
    title: textAt(issue, 'title') ?? textAt(issue, 'metadata.title') ?? textAt(issue, 'shortId') ?? `Sentry issue ${id}`,
    shortId: textAt(issue, 'shortId'),
    url: textAt(issue, 'web_url') ?? textAt(issue, 'permalink'),
    level: levelOf(issue),
    status: textAt(issue, 'status')?.toLowerCase(),
    substatus: textAt(issue, 'substatus')?.toLowerCase(),
    project: textAt(project, 'slug') ?? textAt(project, 'name'),
    culprit: textAt(issue, 'culprit'),
    issue,
  }
}

/** The issue as a link labelled by its short id (`FRONT-END-9`), or by its title when it has none. */
function issueLabel(issue: IssueFacts): RichText {
  return link(issue.url, issue.shortId ?? issue.title)
}

/** A post into the issue's conversation: the sentence, then any detail lines. */
function issuePost(
  { options }: Delivery,
  issue: IssueFacts,
  sentence: RichText,
  color: string,
  extra: Partial<Attachment> = {},
  ...details: RichText[]
): IntegrationResult {
  const text = lines(sentence, ...details)
  return {
    ...issueThread(options, issue.id, issue.title),
    color,
    notification: sentence.plain,
    attachment: { text: text.text, color, ...extra },
  }
}

/** The color of an issue in its current state: resolved green, archived grey, else its level. */
function stateColor(issue: IssueFacts): string {
  if (issue.status === 'resolved') return COLORS.resolved
  if (issue.status === 'ignored') return COLORS.archived
  return levelColor(issue.level)
}

/** Whom an issue is assigned to: the assignee Sentry sends with `assigned`, else the issue's `assignedTo`. */
function assigneeOf(p: PayloadReader, issue: IssueFacts): RichText | undefined {
  const assignee = objectAt(p, 'data.assignee') ?? objectAt(issue.issue, 'assignedTo')
  const name = textAt(assignee, 'name') ?? textAt(assignee, 'email')
  if (name === undefined) return undefined
  return textAt(assignee, 'type') === 'team' ? rich`team ${bold(name)}` : bold(name)
}

/** Whether the person who assigned the issue assigned it to themselves (same user id). */
function selfAssigned(p: PayloadReader): boolean {
  const assignee = objectAt(p, 'data.assignee')
  const id = textAt(assignee, 'id')
  return actorIsUser(p) && textAt(assignee, 'type') === 'user' && id !== undefined && id === textAt(objectAt(p, 'actor'), 'id')
}

export function issueCreated(delivery: Delivery): IntegrationResult {
  const issue = readIssue(delivery.p)
  const where = issue.project === undefined ? rich`` : rich` in ${bold(issue.project)}`
  // The short id names the issue when there is one; else the title itself carries the link.
  const sentence =
    issue.shortId === undefined ? rich`New issue${where}: ${link(issue.url, issue.title)}` : rich`New issue ${issueLabel(issue)}${where}: ${issue.title}`
  const assignee = assigneeOf(delivery.p, issue)
  const facts = fields([
    ['Level', issue.level && capitalize(issue.level)],
    ['Assigned to', assignee?.plain],
  ])
  return issuePost(delivery, issue, sentence, stateColor(issue), facts, issue.culprit === undefined ? rich`` : code(issue.culprit))
}

export function issueResolved(delivery: Delivery): IntegrationResult {
  const issue = readIssue(delivery.p)
  const how = resolution(textAt(delivery.p, 'data.resolution_type'), objectAt(issue.issue, 'statusDetails'))
  return issuePost(delivery, issue, rich`${bold(actorName(delivery.p))} resolved ${issueLabel(issue)}${how}`, COLORS.resolved)
}

export function issueIgnored(delivery: Delivery): IntegrationResult {
  const issue = readIssue(delivery.p)
  const until = archiveCondition(issue, objectAt(issue.issue, 'statusDetails'))
  return issuePost(delivery, issue, rich`${bold(actorName(delivery.p))} archived ${issueLabel(issue)}${until}`, COLORS.archived)
}

export function issueAssigned(delivery: Delivery): IntegrationResult {
  const issue = readIssue(delivery.p)
  const assignee = selfAssigned(delivery.p) ? rich`themselves` : assigneeOf(delivery.p, issue)
  const to = assignee === undefined ? rich`` : rich` to ${assignee}`
  return issuePost(delivery, issue, rich`${bold(actorName(delivery.p))} assigned ${issueLabel(issue)}${to}`, stateColor(issue))
}

export function issueUnresolved(delivery: Delivery): IntegrationResult {
  const issue = readIssue(delivery.p)
  // Sentry sends `unresolved` for regressions and escalations too; the substatus tells which.
  let sentence: RichText
  if (issue.substatus === 'regressed') sentence = rich`${issueLabel(issue)} regressed: it happened again after it was resolved`
  else if (issue.substatus === 'escalating') sentence = rich`${issueLabel(issue)} is escalating`
  else sentence = rich`${bold(actorName(delivery.p))} marked ${issueLabel(issue)} as unresolved`
  return issuePost(delivery, issue, sentence, levelColor(issue.level))
}

/**
 * How an issue was resolved, from `data.resolution_type` and the issue's `statusDetails`.
 * @see https://docs.sentry.io/organization/integrations/integration-platform/webhooks/issues/#statusdetails
 */
function resolution(type: string | undefined, details: PayloadReader | undefined): RichText {
  switch (type) {
    case undefined:
    case 'now':
      return rich``
    case 'in_next_release':
      return rich` in the next release`
    case 'in_upcoming_release':
      return rich` in the upcoming release`
    case 'in_release': {
      const release = textAt(details, 'inRelease')
      return release === undefined ? rich` in a release` : rich` in release ${code(release)}`
    }
    case 'in_commit':
    case 'with_commit': {
      const commit = textAt(details, 'inCommit.commit') ?? textAt(details, 'inCommit.id')
      return commit === undefined ? rich` in a commit` : rich` in commit ${code(commit.slice(0, 12))}`
    }
    default:
      return rich` (${type.replace(/_/g, ' ')})`
  }
}

/**
 * Until when an issue stays archived, from its substatus and `statusDetails` (`ignoreDuration` in
 * minutes, `ignoreCount` occurrences or `ignoreUserCount` users, each within an optional window).
 */
function archiveCondition(issue: IssueFacts, details: PayloadReader | undefined): RichText {
  const number = (path: string) => {
    const value = Number(textAt(details, path))
    return Number.isFinite(value) && value > 0 ? value : undefined
  }
  const within = (path: string) => {
    const minutes = number(path)
    return minutes === undefined ? '' : ` within ${duration(minutes)}`
  }
  const count = number('ignoreCount')
  const users = number('ignoreUserCount')
  const minutes = number('ignoreDuration')
  if (issue.substatus === 'archived_until_escalating' || details?.get('ignoreUntilEscalating') === true) return rich` until it escalates`
  if (minutes !== undefined) return rich` for ${duration(minutes)}`
  if (count !== undefined) return rich` until it happens ${pluralize(count, 'more time')}${within('ignoreWindow')}`
  if (users !== undefined) return rich` until it affects ${pluralize(users, 'more user')}${within('ignoreUserWindow')}`
  if (issue.substatus === 'archived_forever') return rich` forever`
  return rich``
}

/** Minutes as people say them: `30 minutes`, `2 hours`, `7 days`. */
function duration(minutes: number): string {
  if (minutes % 1440 === 0) return pluralize(minutes / 1440, 'day')
  if (minutes % 60 === 0) return pluralize(minutes / 60, 'hour')
  return pluralize(minutes, 'minute')
}
