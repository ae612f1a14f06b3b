/**
 * Organization events: no single repository, so they go to the organization's conversation
 * (`org/ORG_ID`, subject `[org]`), or the repository's when the payload names one.
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#organization
 */
import { bold, code, firstLine, join, link, rich, truncate, type PayloadReader, type ProcessOutput, type RichText } from '@missive-integrations/core'
import { actor, COLORS, organizationThread, repositoryOrOrganizationThread, sentence, userLink, words, type Delivery } from './shared.js'

/** Members invited, added, removed; the organization renamed or deleted. */
export function organization({ p, action = 'updated' }: Delivery): ProcessOutput {
  let text: RichText
  switch (action) {
    case 'member_invited': {
      const invitee = p.optionalString('user.login') ?? p.optionalString('invitation.login') ?? p.optionalString('invitation.email') ?? 'someone'
      text = rich`${actor(p)} invited ${bold(invitee)} to join the organization`
      break
    }
    case 'member_added':
    case 'member_removed': {
      const who = userLink(p.object('membership.user'))
      const role = p.optionalString('membership.role')
      text =
        action === 'member_added'
          ? rich`${actor(p)} added ${who} to the organization${role ? ` as ${role}` : ''}`
          : rich`${actor(p)} removed ${who} from the organization`
      break
    }
    case 'renamed':
      text = rich`${actor(p)} renamed the organization from ${code(p.optionalString('changes.login.from') ?? '?')} to ${code(p.string('organization.login'))}`
      break
    default:
      text = rich`${actor(p)} ${words(action)} the organization`
  }
  return sentence(organizationThread(p), text)
}

/** @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#membership */
export function membership({ p, action = 'updated' }: Delivery): ProcessOutput {
  const team = p.object('team')
  const who = userLink(p.object('member'))
  const name = link(team.optionalString('html_url'), team.string('name'))
  const text = action === 'removed' ? rich`${actor(p)} removed ${who} from team ${name}` : rich`${actor(p)} added ${who} to team ${name}`
  return sentence(organizationThread(p), text)
}

/** @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#org_block */
export function orgBlock({ p, action = 'blocked' }: Delivery): ProcessOutput {
  const text = rich`${actor(p)} ${words(action)} ${userLink(p.object('blocked_user'))}`
  return sentence(organizationThread(p), text, action === 'blocked' ? COLORS.rejected : undefined)
}

/** Teams created, edited, deleted, given or denied a repository. @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#team */
export function team({ p, action = 'updated' }: Delivery): ProcessOutput {
  const t = p.object('team')
  const name = link(t.optionalString('html_url'), t.string('name'))
  let text: RichText
  if (action === 'added_to_repository') text = rich`${actor(p)} gave team ${name} access to ${bold(p.string('repository.name'))}`
  else if (action === 'removed_from_repository') text = rich`${actor(p)} removed team ${name}’s access to ${bold(p.string('repository.name'))}`
  else if (action === 'edited') text = teamEdited(p, name)
  else text = rich`${actor(p)} ${words(action)} team ${name}`
  return sentence(repositoryOrOrganizationThread(p), text)
}

/**
 * What an edit changed, from `changes` (each `{from}` is the previous value; the team holds the
 * new one): name, description, privacy, notifications, and a repository's permissions.
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#team
 */
function teamEdited(p: PayloadReader, name: RichText): RichText {
  const changes = p.optionalObject('changes')
  const parts: RichText[] = []
  const renamedFrom = changes?.optionalString('name.from')
  if (renamedFrom !== undefined) parts.push(rich`renamed it from “${renamedFrom}”`)
  if (changes?.has('description')) {
    const description = p.optionalString('team.description')
    parts.push(description ? rich`changed its description to “${truncate(description, 200)}”` : rich`removed its description`)
  }
  const privacyFrom = changes?.optionalString('privacy.from')
  if (privacyFrom !== undefined) parts.push(rich`changed its visibility from ${privacy(privacyFrom)} to ${privacy(p.optionalString('team.privacy'))}`)
  const notificationsFrom = changes?.optionalString('notification_setting.from')
  if (notificationsFrom !== undefined) {
    const enabled = p.optionalString('team.notification_setting') === 'notifications_enabled'
    parts.push(rich`turned ${enabled ? 'on' : 'off'} notifications`)
  }
  const permissionsFrom = changes?.optionalObject('repository.permissions.from')
  if (permissionsFrom !== undefined) {
    const repo = p.optionalString('repository.full_name') ?? p.optionalString('repository.name')
    const before = permissionLevel(permissionsFrom)
    const after = p.optionalObject('repository.permissions')
    const on = repo ? rich` on ${bold(repo)}` : rich``
    parts.push(
      after ? rich`changed its access${on} from ${code(before)} to ${code(permissionLevel(after))}` : rich`changed its access${on} (was ${code(before)})`,
    )
  }
  const done = parts.length > 0 ? join(parts, ', ') : rich`edited it`
  return rich`${actor(p)} edited team ${name}: ${done}`
}

/** A team's `privacy` as GitHub's settings name it: `closed` teams are visible to the whole organization. */
function privacy(value: string | undefined): string {
  return value === 'closed' ? 'visible' : (value ?? 'unknown')
}

/**
 * GitHub's role for a set of permission flags (`{admin, maintain, push, triage, pull}`), highest first.
 * @see https://docs.github.com/en/organizations/managing-user-access-to-your-organizations-repositories/managing-repository-roles/repository-roles-for-an-organization
 */
function permissionLevel(permissions: PayloadReader): string {
  if (permissions.optionalBoolean('admin')) return 'admin'
  if (permissions.optionalBoolean('maintain')) return 'maintain'
  if (permissions.optionalBoolean('push')) return 'write'
  if (permissions.optionalBoolean('triage')) return 'triage'
  if (permissions.optionalBoolean('pull')) return 'read'
  return 'none'
}

/** New, changed and cancelled sponsorships, in the sponsored account's conversation. @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#sponsorship */
export function sponsorship({ p, action = 'updated' }: Delivery): ProcessOutput {
  const s = p.object('sponsorship')
  const sponsorable = s.object('sponsorable')
  const sponsor = userLink(s.object('sponsor'))
  const tier = s.optionalString('tier.name')
  const text = rich`${sponsor} ${action === 'created' ? 'started sponsoring' : `${words(action)} for`} ${bold(sponsorable.string('login'))}${tier ? ` (${tier})` : ''}`
  return sentence(
    { references: [`sponsors/${sponsorable.id('id')}`], subject: `[sponsors:${sponsorable.string('login')}]` },
    text,
    action === 'created' ? COLORS.success : undefined,
  )
}

/** An item added to, archived in, or changed in an organization project. @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#projects_v2_item */
export function projectsV2Item({ p, action = 'updated' }: Delivery): ProcessOutput {
  const item = p.object('projects_v2_item')
  const kind = words(item.optionalString('content_type') ?? 'item')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
  const field = p.optionalString('changes.field_value.field_name')
  const verb = action === 'created' ? 'added' : action === 'converted' ? 'converted' : words(action)
  const text = field
    ? rich`${actor(p)} changed ${bold(field)} of a ${kind} in project ${code(item.string('project_node_id'))}`
    : rich`${actor(p)} ${verb} a ${kind} in project ${code(item.string('project_node_id'))}`
  return sentence(organizationThread(p), text)
}

/**
 * Classic projects (retired on github.com, still on GitHub Enterprise Server): boards, columns
 * and cards, in the repository's conversation (or the organization's for an org-wide board).
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#project
 */
export function classicProject({ p, event, action = 'updated' }: Delivery): ProcessOutput {
  let text: RichText
  if (event === 'project') {
    const project = p.object('project')
    text = rich`${actor(p)} ${words(action)} project ${link(project.optionalString('html_url'), project.string('name'))}`
  } else if (event === 'project_column') {
    const from = p.optionalString('changes.name.from')
    const name = code(p.string('project_column.name'))
    text = from ? rich`${actor(p)} renamed project column ${code(from)} to ${name}` : rich`${actor(p)} ${words(action)} project column ${name}`
  } else {
    const note = firstLine(p.optionalString('project_card.note'))
    text = note ? rich`${actor(p)} ${words(action)} project card “${truncate(note, 100)}”` : rich`${actor(p)} ${words(action)} a project card`
  }
  return sentence(repositoryOrOrganizationThread(p), text)
}
