/**
 * Events that group webhooks receive (GitLab Premium): members, subgroups and projects. Members
 * and subgroups go to the group's conversation (`group/GROUP_ID`); a new or deleted project to
 * its own (`PROJECT_ID`), where its later events land.
 * @see https://docs.gitlab.com/user/project/integrations/webhook_events/#group-member-events
 */
import { bold, code, rich, type ProcessOutput, type RichText } from '@missive-integrations/core'
import { COLORS, lastSegment, post, words, type Delivery } from './shared.js'

/** A member added, removed, changed, requesting access or denied it. */
export function member({ p }: Delivery): ProcessOutput {
  const event = p.string('event_name')
  const group = p.optionalString('group_path') ?? p.string('group_name')
  const who = bold(p.optionalString('user_name') || p.string('user_username'))
  const access = p.optionalString('group_access')
  const as = access ? rich` as ${access}` : rich``
  const sentences: Record<string, RichText> = {
    user_add_to_group: rich`${who} joined ${code(group)}${as}`,
    user_remove_from_group: rich`${who} was removed from ${code(group)}`,
    user_update_for_group: rich`${who} now has ${access ?? 'changed'} access to ${code(group)}`,
    user_access_request_to_group: rich`${who} requested access to ${code(group)}`,
    user_access_request_denied_for_group: rich`${who} was denied access to ${code(group)}`,
  }
  const sentence = sentences[event] ?? rich`${who}: ${words(event)} (${code(group)})`
  return post({ references: [`group/${p.id('group_id')}`], subject: `[${group}]` }, sentence, { color: COLORS.comment })
}

/** A subgroup created in or removed from its parent group. */
export function subgroup({ p }: Delivery): ProcessOutput {
  const created = p.string('event_name') === 'subgroup_create'
  const path = p.optionalString('full_path') ?? p.string('path')
  const parent = p.optionalString('parent_full_path') ?? p.string('parent_path')
  const sentence = created ? rich`Subgroup ${code(path)} was created in ${code(parent)}` : rich`Subgroup ${code(path)} was removed from ${code(parent)}`
  return post({ references: [`group/${p.id('parent_group_id')}`], subject: `[${parent}]` }, sentence, { color: COLORS.comment })
}

/** A project created in or deleted from a group (GitLab 17.6+). */
export function projectCreatedOrDeleted({ p }: Delivery): ProcessOutput {
  const path = p.string('path_with_namespace')
  const created = p.string('event_name') === 'project_create'
  const visibility = p.optionalString('project_visibility')
  const sentence = created ? rich`Project ${code(path)} was created${visibility ? ` (${visibility})` : ''}` : rich`Project ${code(path)} was deleted`
  return post({ references: [p.id('project_id')], subject: `[${lastSegment(path) ?? path}]` }, sentence, { color: created ? COLORS.passed : undefined })
}
