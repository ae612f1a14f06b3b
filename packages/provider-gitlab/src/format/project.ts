/**
 * Events of a project as a whole, in its conversation (`PROJECT_ID`): releases, wiki pages,
 * feature flags, milestones, expiring access tokens; and vulnerabilities, one conversation each.
 * @see https://docs.gitlab.com/user/project/integrations/webhook_events/
 */
import { bold, code, link, rich, skip, type ProcessOutput } from '@missive-integrations/core'
import { SKIP_RULES } from '../events.js'
import { actor, COLORS, lastSegment, markdownBody, post, projectThread, readProject, words, type Delivery, type Thread } from './shared.js'

/** A release created (with its notes) or deleted; edits are skipped. Release payloads name no user. @see https://docs.gitlab.com/user/project/integrations/webhook_events/#release-events */
export function release({ p }: Delivery): ProcessOutput {
  const action = p.optionalString('action') ?? p.optionalString('object_attributes.action') ?? 'create'
  if (action === 'update') return skip(SKIP_RULES.releaseEdited)
  const project = readProject(p)
  const tag = p.optionalString('tag')
  const name = p.optionalString('name') || tag || 'a release'
  const onTag = tag && tag !== name ? rich` (tag ${code(tag)})` : rich``
  if (action === 'delete') return post(projectThread(project), rich`Release ${bold(name)}${onTag} was deleted`)
  const sentence = rich`New release ${link(p.optionalString('url'), name)}${onTag}`
  return post(projectThread(project), sentence, { body: markdownBody(p.optionalString('description')), color: COLORS.release })
}

/** A wiki page created, edited or deleted, with its commit message. @see https://docs.gitlab.com/user/project/integrations/webhook_events/#wiki-page-events */
export function wikiPage({ p }: Delivery): ProcessOutput {
  const project = readProject(p)
  const page = p.object('object_attributes')
  const action = page.optionalString('action') ?? 'update'
  const verb = action === 'create' ? 'created' : action === 'delete' ? 'deleted' : action === 'update' ? 'edited' : words(action)
  const title = page.optionalString('title') ?? page.string('slug')
  const message = page.optionalString('message')
  const sentence = rich`${actor(p)} ${verb} wiki page ${action === 'delete' ? bold(title) : link(page.optionalString('url'), title)}${message ? rich`: ${message}` : ''}`
  return post(projectThread(project), sentence, { color: action === 'delete' ? undefined : COLORS.comment })
}

/** A feature flag turned on or off. @see https://docs.gitlab.com/user/project/integrations/webhook_events/#feature-flag-events */
export function featureFlag({ p }: Delivery): ProcessOutput {
  const project = readProject(p)
  const flag = p.object('object_attributes')
  const on = flag.boolean('active')
  const sentence = rich`${actor(p)} turned ${on ? 'on' : 'off'} feature flag ${link(`${project.url}/-/feature_flags/${flag.id('id')}/edit`, code(flag.string('name')))}`
  return post(projectThread(project), sentence, { color: on ? COLORS.passed : COLORS.comment })
}

/** A milestone created, closed, reopened or deleted (a group's milestone goes to the group). @see https://docs.gitlab.com/user/project/integrations/webhook_events/#milestone-events */
export function milestone({ p }: Delivery): ProcessOutput {
  const item = p.object('object_attributes')
  const action = p.optionalString('action') ?? item.optionalString('action') ?? 'update'
  const verb =
    action === 'create' ? 'created' : action === 'close' ? 'closed' : action === 'reopen' ? 'reopened' : action === 'delete' ? 'deleted' : words(action)
  const due = item.optionalString('due_date')
  const sentence = rich`Milestone ${bold(item.string('title'))} was ${verb}${due && action !== 'delete' && action !== 'close' ? ` (due ${due})` : ''}`
  const thread: Thread = p.has('project')
    ? projectThread(readProject(p))
    : { references: [`group/${item.id('group_id')}`], subject: `Milestones [group ${item.id('group_id')}]` }
  return post(thread, sentence, { color: COLORS.comment })
}

/** A project or group access token that expires soon: someone must rotate it. @see https://docs.gitlab.com/user/project/integrations/webhook_events/#project-and-group-access-token-events */
export function accessToken({ p }: Delivery): ProcessOutput {
  const token = p.object('object_attributes')
  const group = p.optionalObject('group')
  const expires = token.optionalString('expires_at')
  const when = expires ? rich` expires on ${expires}` : rich` expires soon`
  if (group !== undefined && !p.has('project')) {
    const path = group.optionalString('full_path') ?? group.string('group_path')
    return post({ references: [`group/${group.id('group_id')}`], subject: `[${path}]` }, rich`Group access token ${code(token.string('name'))}${when}`, {
      color: COLORS.warning,
    })
  }
  return post(projectThread(readProject(p)), rich`Project access token ${code(token.string('name'))}${when}`, { color: COLORS.warning })
}

/**
 * A vulnerability created or changed, in its own conversation (`PROJECT_ID/vulnerability/ID`).
 * The payload names the project only by id and in its URL.
 * @see https://docs.gitlab.com/user/project/integrations/webhook_events/#vulnerability-events
 */
export function vulnerability({ p }: Delivery): ProcessOutput {
  const item = p.object('object_attributes')
  const url = item.optionalString('url')
  const match = url ? /^(.*)\/-\/security\/vulnerabilities\/(\d+)/.exec(url) : null
  const projectId = item.id('project_id')
  const id = match?.[2] ?? item.optionalId('id') ?? url ?? item.string('title')
  const slug = match ? lastSegment(match[1]!) : undefined
  const severity = item.optionalString('severity')
  const state = item.optionalString('state')
  const sentence = rich`Vulnerability ${link(url, item.string('title'))}${severity ? rich` (${bold(severity)})` : ''}${state ? ` is ${words(state)}` : ''}`
  const thread: Thread = { references: [`${projectId}/vulnerability/${id}`], subject: `Vulnerability: ${item.string('title')}${slug ? ` [${slug}]` : ''}` }
  const serious = severity === 'critical' || severity === 'high'
  return post(thread, sentence, { color: serious && state !== 'resolved' && state !== 'dismissed' ? COLORS.failed : COLORS.warning })
}
